#include "services/pdf/font_file.hpp"

#include <hpdf.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "services/pdf/render_error.hpp"
#include "services/pdf/str_cat.hpp"

namespace keel::pdf {
namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

[[noreturn]] void invalid(const std::string& path, const char* why, unsigned long error_no) {
  throw RenderError(cat("pdf: font '", path, "' is unusable: ", why, " (", describe_hpdf_error(error_no, 0), ")"),
                    error_no, 0);
}

}  // namespace

void check_truetype_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec)) {
    invalid(path, "not a regular file", HPDF_TTF_INVALID_FOMAT);
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  const int open_errno = errno;
  if (!in) {
    const int err = open_errno != 0 ? open_errno : ENOENT;
    throw RenderError(cat("pdf: cannot open font '", path,
                          "': ", describe_hpdf_error(HPDF_FILE_OPEN_ERROR, static_cast<unsigned long>(err))),
                      HPDF_FILE_OPEN_ERROR, static_cast<unsigned long>(err));
  }
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0);
  if (size < 12) invalid(path, "file too short", HPDF_TTF_INVALID_FOMAT);

  std::array<unsigned char, 12> header{};
  in.read(reinterpret_cast<char*>(header.data()), header.size());
  const std::uint32_t version = be32(header.data());
  if (!in || (version != 0x00010000u && version != 0x74727565u /* 'true' */)) {
    invalid(path, "not a TrueType font", HPDF_TTF_INVALID_FOMAT);
  }
  const unsigned num_tables = (unsigned{header[4]} << 8) | header[5];
  if (num_tables == 0 || size < 12 + 16 * static_cast<std::streamoff>(num_tables)) {
    invalid(path, "truncated table directory", HPDF_TTF_INVALID_FOMAT);
  }

  std::vector<unsigned char> dir(16 * std::size_t{num_tables});
  in.read(reinterpret_cast<char*>(dir.data()), static_cast<std::streamsize>(dir.size()));
  if (!in) invalid(path, "truncated table directory", HPDF_TTF_INVALID_FOMAT);

  // The tables libharu reads to lay out and embed glyphs.
  constexpr std::array<const char*, 7> kRequired{"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp"};
  std::array<bool, kRequired.size()> found{};
  for (unsigned t = 0; t < num_tables; ++t) {
    const unsigned char* entry = dir.data() + 16 * t;
    const std::uint64_t offset = be32(entry + 8), length = be32(entry + 12);
    if (offset + length > static_cast<std::uint64_t>(size)) {
      invalid(path, "a table lies outside the file", HPDF_TTF_INVALID_FOMAT);
    }
    for (std::size_t r = 0; r < kRequired.size(); ++r) {
      if (std::equal(entry, entry + 4, kRequired[r])) found[r] = true;
    }
  }
  for (std::size_t r = 0; r < kRequired.size(); ++r) {
    if (!found[r]) invalid(path, cat("no '", kRequired[r], "' table").c_str(), HPDF_TTF_MISSING_TABLE);
  }
}

}  // namespace keel::pdf
