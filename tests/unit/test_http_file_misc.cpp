#include "http/file/content_disposition.hpp"
#include "http/file/mime.hpp"

#include <gtest/gtest.h>

namespace hf = keel::http_file;

TEST(ContentDisposition, Ascii) {
  EXPECT_EQ(hf::content_disposition_attachment("report.pdf"), "attachment; filename=\"report.pdf\"");
  EXPECT_EQ(hf::content_disposition_attachment("my file (1).txt"), "attachment; filename=\"my file (1).txt\"");
  EXPECT_EQ(hf::content_disposition_attachment("a\"b\\c.txt"), "attachment; filename=\"a\\\"b\\\\c.txt\"");
}

TEST(ContentDisposition, NonAscii) {
  EXPECT_EQ(hf::content_disposition_attachment("\xC3\xA9t\xC3\xA9.txt"),
            "attachment; filename=\"_t_.txt\"; filename*=UTF-8''%C3%A9t%C3%A9.txt");
  // 4-byte character, spaces, quotes and '%' are percent-encoded in filename*.
  EXPECT_EQ(hf::content_disposition_attachment("\xF0\x9F\x98\x80 \"100%\".txt"),
            "attachment; filename=\"_ \\\"100%\\\".txt\"; filename*=UTF-8''%F0%9F%98%80%20%22100%25%22.txt");
}

TEST(ContentDisposition, ControlCharactersDropped) {
  EXPECT_EQ(hf::content_disposition_attachment("evil\r\nSet-Cookie: x=y.txt"),
            "attachment; filename=\"evilSet-Cookie: x=y.txt\"");
  EXPECT_EQ(hf::content_disposition_attachment(std::string("a\0b\tc\x7f.txt", 10)), "attachment; filename=\"abc.txt\"");
  EXPECT_EQ(hf::content_disposition_attachment(""), "attachment");
  EXPECT_EQ(hf::content_disposition_attachment("\r\n"), "attachment");
}

TEST(MimeType, Table) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"index.html", "text/html; charset=utf-8"},
      {"a/b/STYLE.CSS", "text/css; charset=utf-8"},
      {"app.js", "text/javascript; charset=utf-8"},
      {"mod.mjs", "text/javascript; charset=utf-8"},
      {"data.json", "application/json"},
      {"app.js.map", "application/json"},
      {"logo.png", "image/png"},
      {"photo.jpg", "image/jpeg"},
      {"photo.JPEG", "image/jpeg"},
      {"anim.gif", "image/gif"},
      {"icon.svg", "image/svg+xml"},
      {"pic.webp", "image/webp"},
      {"favicon.ico", "image/x-icon"},
      {"notes.txt", "text/plain; charset=utf-8"},
      {"doc.pdf", "application/pdf"},
      {"song.mp3", "audio/mpeg"},
      {"sound.wav", "audio/wav"},
      {"a.ogg", "audio/ogg"},
      {"a.oga", "audio/ogg"},
      {"a.flac", "audio/flac"},
      {"a.m4a", "audio/mp4"},
      {"movie.mp4", "video/mp4"},
      {"clip.webm", "video/webm"},
      {"f.woff", "font/woff"},
      {"f.woff2", "font/woff2"},
      {"f.ttf", "font/ttf"},
      {"feed.xml", "text/xml; charset=utf-8"},
      {"table.csv", "text/csv; charset=utf-8"},
      {"archive.zip", "application/zip"},
      {"module.wasm", "application/wasm"},
      {"README", "application/octet-stream"},
      {"archive.tar.bz2", "application/octet-stream"},
      {"dir.html/file", "application/octet-stream"},
      {"C:\\dir.css\\file", "application/octet-stream"},
      {"trailing.", "application/octet-stream"},
      {"", "application/octet-stream"},
  };
  for (const auto& [path, type] : cases) EXPECT_EQ(hf::mime_type_for_path(path), type) << path;
}
