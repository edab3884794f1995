#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/audio/sniff.hpp"

namespace {

using keel::kSniffBytes;
using keel::sniff_audio;
using namespace std::string_literals;

std::string bytes(std::initializer_list<int> list) {
  std::string out;
  for (const int b : list) out += static_cast<char>(b);
  return out;
}

struct Case {
  const char* name;
  std::string head;
  std::optional<std::string> expected;
};

std::vector<Case> cases() {
  using std::nullopt;
  return {
      // MP3
      {"id3v2.3", "ID3\x03\x00\x00\x00\x00\x1F\x76TIT2\x00\x00"s, "audio/mpeg"},
      {"id3v2.4", "ID3\x04\x00\x00\x00\x00\x00\x23TSSE\x00\x00"s, "audio/mpeg"},
      {"id3v2.2", "ID3\x02\x00\x00\x00\x00\x10\x00TT2"s, "audio/mpeg"},
      {"mpeg1 layer3 128k 44.1k", bytes({0xFF, 0xFB, 0x90, 0x64, 0x00, 0x00}), "audio/mpeg"},
      {"mpeg1 layer3 crc", bytes({0xFF, 0xFA, 0x92, 0x00}), "audio/mpeg"},
      {"mpeg2 layer3 22.05k", bytes({0xFF, 0xF3, 0x50, 0xC4}), "audio/mpeg"},
      {"mpeg2.5 layer3", bytes({0xFF, 0xE3, 0x18, 0xC4}), "audio/mpeg"},
      {"mpeg1 layer2", bytes({0xFF, 0xFD, 0xA0, 0x04}), "audio/mpeg"},
      {"free bitrate", bytes({0xFF, 0xFB, 0x00, 0x00}), "audio/mpeg"},
      // WAV
      {"wav", "RIFF\x24\x08\x00\x00WAVEfmt "s, "audio/wav"},
      {"rf64 wav", "RF64\xFF\xFF\xFF\xFFWAVEds64"s, "audio/wav"},
      // Ogg, FLAC
      {"ogg", "OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x3A\x1B"s, "audio/ogg"},
      {"flac", "fLaC\x00\x00\x00\x22\x10\x00\x10\x00"s, "audio/flac"},
      // MP4 family
      {"m4a",
       "\x00\x00\x00\x20"
       "ftypM4A \x00\x00\x00\x00"s,
       "audio/mp4"},
      {"m4b",
       "\x00\x00\x00\x20"
       "ftypM4B \x00\x00\x02\x00"s,
       "audio/mp4"},
      {"mp42",
       "\x00\x00\x00\x18"
       "ftypmp42\x00\x00\x00\x00"s,
       "audio/mp4"},
      {"isom",
       "\x00\x00\x00\x1C"
       "ftypisom\x00\x00\x02\x00"s,
       "audio/mp4"},
      {"dash",
       "\x00\x00\x00\x18"
       "ftypdash"s,
       "audio/mp4"},
      // WebM / Matroska
      {"webm", "\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\xF7\x81\x01\x42\xF2\x81"s, "audio/webm"},
      {"ebml only", "\x1A\x45\xDF\xA3"s, "audio/webm"},

      // Near misses
      {"empty", "", nullopt},
      {"text", "Hello, world! This is text.", nullopt},
      {"html", "<!DOCTYPE html><html>", nullopt},
      {"json", "{\"id3\": 1}", nullopt},
      {"png", "\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR"s, nullopt},
      {"pdf", "%PDF-1.7\n%\xE2\xE3\xCF\xD3"s, nullopt},
      {"jpeg", bytes({0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F'}), nullopt},
      {"gif", "GIF89a\x01\x00\x01\x00"s, nullopt},
      {"zip", "PK\x03\x04\x14\x00\x00\x00"s, nullopt},
      {"avi",
       "RIFF\x00\x10\x00\x00"
       "AVI LIST"s,
       nullopt},
      {"webp",
       "RIFF\x00\x10\x00\x00"
       "WEBPVP8 "s,
       nullopt},
      {"riff truncated", "RIFF\x24\x08\x00\x00WAV"s, nullopt},
      {"riff only", "RIFF", nullopt},
      {"ID3 text", "ID3 tags are metadata", nullopt},
      {"ID3 bad version", "ID3\xFF\x00\x00\x00\x00\x00\x00"s, nullopt},
      {"ID3 truncated", "ID3", nullopt},
      {"ff 00", bytes({0xFF, 0x00}), nullopt},
      {"ff 00 00", bytes({0xFF, 0x00, 0x00}), nullopt},
      {"ff only", bytes({0xFF}), nullopt},
      {"sync truncated", bytes({0xFF, 0xFB}), nullopt},
      {"layer reserved (adts aac)", bytes({0xFF, 0xF1, 0x50, 0x80}), nullopt},
      {"version reserved", bytes({0xFF, 0xEB, 0x90, 0x64}), nullopt},
      {"bad bitrate", bytes({0xFF, 0xFB, 0xF0, 0x64}), nullopt},
      {"reserved sample rate", bytes({0xFF, 0xFB, 0x9C, 0x64}), nullopt},
      {"utf-16le bom",
       "\xFF\xFEH\x00"
       "e\x00l\x00"s,
       nullopt},
      {"ogg truncated", "Ogg", nullopt},
      {"flac lowercase", "flac\x00\x00\x00\x22"s, nullopt},
      {"ftyp at 0", "ftypM4A \x00\x00\x00\x00"s, nullopt},
      {"ftyp truncated",
       "\x00\x00\x00\x20"
       "fty"s,
       nullopt},
      {"ebml truncated", "\x1A\x45\xDF"s, nullopt},
      {"elf",
       "\x7F"
       "ELF\x02\x01\x01\x00"s,
       nullopt},
  };
}

TEST(AudioSniff, Table) {
  for (const Case& c : cases()) { EXPECT_EQ(sniff_audio(c.head), c.expected) << c.name; }
}

TEST(AudioSniff, OnlyTheFirstKSniffBytesMatter) {
  for (const Case& c : cases()) {
    // Long inputs are judged on their first kSniffBytes bytes alone.
    std::string longer = c.head + std::string(1000, '\x55');
    if (c.head.size() >= kSniffBytes) {
      EXPECT_EQ(sniff_audio(longer), sniff_audio(std::string_view(longer).substr(0, kSniffBytes))) << c.name;
    }
    // And every recognised header needs at most kSniffBytes bytes.
    if (c.expected) {
      EXPECT_EQ(sniff_audio(std::string_view(c.head).substr(0, std::min(c.head.size(), kSniffBytes))), c.expected)
          << c.name;
    }
  }
}

TEST(AudioSniff, EveryPrefixOfAShortHeaderIsSafe) {
  // Truncated input never reads past the end (ASan builds check this) and
  // never claims audio from fewer bytes than the signature needs.
  const std::string wav = "RIFF\x24\x08\x00\x00WAVEfmt "s;
  for (std::size_t n = 0; n < 12; ++n) EXPECT_EQ(sniff_audio(std::string_view(wav).substr(0, n)), std::nullopt) << n;
  EXPECT_EQ(sniff_audio(std::string_view(wav).substr(0, 12)), "audio/wav");
  const std::string m4a =
      "\x00\x00\x00\x20"
      "ftypM4A "s;
  for (std::size_t n = 0; n < 8; ++n) EXPECT_EQ(sniff_audio(std::string_view(m4a).substr(0, n)), std::nullopt) << n;
  EXPECT_EQ(sniff_audio(std::string_view(m4a).substr(0, 8)), "audio/mp4");
}

}  // namespace
