#pragma once
// Recognises audio files by their first bytes (magic numbers), independent
// of the file name and the client's Content-Type.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keel {

// How many leading bytes the caller should collect before calling
// sniff_audio(). The longest signature checked needs 12 ("RIFF" size "WAVE");
// a shorter file is passed as it is (and is then usually not recognised).
inline constexpr std::size_t kSniffBytes = 16;

// The content type when `first_bytes` start like an audio file, else nullopt:
//   "ID3" + version 2..4, or an MPEG audio frame header → "audio/mpeg"
//   "RIFF"/"RF64" ... "WAVE"                             → "audio/wav"
//   "OggS"                                               → "audio/ogg"
//   "fLaC"                                               → "audio/flac"
//   "ftyp" at offset 4 (any brand: M4A , M4B , mp42, isom, ...) → "audio/mp4"
//   EBML 1A 45 DF A3 (WebM / Matroska)                   → "audio/webm"
// MPEG frame header: FF, then (b1 & E0) == E0 with version != 01 (reserved),
// layer != 00; b2's bitrate index != 1111 and sample-rate index != 11. The
// UTF-16LE byte-order mark FF FE is not taken for a frame header.
std::optional<std::string> sniff_audio(std::string_view first_bytes);

}  // namespace keel
