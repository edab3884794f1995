#include "services/audio/sniff.hpp"

namespace keel {
namespace {

unsigned char byte_at(std::string_view s, std::size_t i) { return static_cast<unsigned char>(s[i]); }

bool has_at(std::string_view s, std::size_t offset, std::string_view magic) {
  return s.size() >= offset + magic.size() && s.substr(offset, magic.size()) == magic;
}

// ID3v2 tag: "ID3", major version 2..4, minor version != FF.
bool is_id3(std::string_view s) {
  if (s.size() < 5 || !has_at(s, 0, "ID3")) return false;
  const unsigned char major = byte_at(s, 3);
  return major >= 2 && major <= 4 && byte_at(s, 4) != 0xFF;
}

bool is_mpeg_frame(std::string_view s) {
  if (s.size() < 3) return false;
  const unsigned char b0 = byte_at(s, 0), b1 = byte_at(s, 1), b2 = byte_at(s, 2);
  if (b0 != 0xFF || (b1 & 0xE0) != 0xE0) return false;
  if (b1 == 0xFE) return false;                  // UTF-16LE BOM, not audio
  if (((b1 >> 3) & 0x03) == 0x01) return false;  // version: reserved
  if (((b1 >> 1) & 0x03) == 0x00) return false;  // layer: reserved (also ADTS AAC)
  if ((b2 >> 4) == 0x0F) return false;           // bitrate index: bad
  if (((b2 >> 2) & 0x03) == 0x03) return false;  // sample-rate index: reserved
  return true;
}

}  // namespace

std::optional<std::string> sniff_audio(std::string_view b) {
  if (is_id3(b)) return "audio/mpeg";
  if ((has_at(b, 0, "RIFF") || has_at(b, 0, "RF64")) && has_at(b, 8, "WAVE")) return "audio/wav";
  if (has_at(b, 0, "OggS")) return "audio/ogg";
  if (has_at(b, 0, "fLaC")) return "audio/flac";
  if (has_at(b, 4, "ftyp")) return "audio/mp4";
  if (has_at(b, 0, "\x1A\x45\xDF\xA3")) return "audio/webm";
  if (is_mpeg_frame(b)) return "audio/mpeg";
  return std::nullopt;
}

}  // namespace keel
