#include "services/pdf/unlinked_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace keel::pdf {

storage::OpenedFile render_to_unlinked_file(const std::string& tmp_dir,
                                            const std::function<void(const std::string& path)>& render) {
  std::string tmpl = tmp_dir + "/pdf-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  const int created = ::mkostemp(name.data(), O_CLOEXEC);  // mode 0600
  if (created < 0) {
    const int err = errno;
    throw std::runtime_error("pdf: cannot create a temp file in " + tmp_dir + ": " + std::strerror(err));
  }
  ::close(created);  // the renderer writes its own file and renames it over this name
  const std::string path(name.data());
  struct Unlink {
    const std::string& path;
    ~Unlink() { ::unlink(path.c_str()); }
  } unlink_on_exit{path};  // on every path: the open descriptor is all that remains

  render(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    throw std::runtime_error("pdf: cannot open the rendered file " + path + ": " + std::strerror(err));
  }
  std::optional<storage::OpenedFile> f = storage::regular_file(fd);
  if (!f) throw std::runtime_error("pdf: cannot stat the rendered file " + path);
  return std::move(*f);
}

}  // namespace keel::pdf
