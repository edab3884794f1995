#pragma once
// Sanity check of a TrueType file before libharu parses it: libharu 2.3.0
// trusts the file's table directory and can crash on a short or garbage
// file (seen with a 6-byte text file). This catches missing, short,
// truncated and non-TrueType files; a corrupted font whose directory looks
// plausible can still crash libharu, so fonts must come from deployment
// configuration, never from users.
#include <string>

namespace keel::pdf {

// Throws RenderError with the numbers libharu would use:
// HPDF_FILE_OPEN_ERROR + errno when the file cannot be read,
// HPDF_TTF_INVALID_FOMAT when it is not a plain TrueType font (.ttf; no
// collections, no CFF/OTF) or its table directory points outside the file,
// HPDF_TTF_MISSING_TABLE when a table libharu needs is absent.
void check_truetype_file(const std::string& path);

}  // namespace keel::pdf
