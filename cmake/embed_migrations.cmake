# Generates a C++ source holding every migrations/NNNN_name.sql, in file-name
# order, for keel::embedded_migrations() (services/db/migrations_data.hpp).
# Run as: cmake -DOUT=file.cpp -DDIR=migrations -P embed_migrations.cmake
file(GLOB files RELATIVE ${DIR} ${DIR}/*.sql)
list(SORT files)
set(arrays "")
set(entries "")
set(i 0)
foreach(f IN LISTS files)
  file(READ ${DIR}/${f} sql HEX)
  string(LENGTH "${sql}" hexlen)
  math(EXPR len "${hexlen} / 2")
  # Bytes, not a string literal, so no SQL text can break the C++ source.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${sql}")
  string(APPEND arrays "static const unsigned char m${i}[] = {${bytes} 0};\n")
  string(APPEND entries "    {\"${f}\", std::string_view(reinterpret_cast<const char*>(m${i}), ${len})},\n")
  math(EXPR i "${i} + 1")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from migrations/*.sql at build time. Do not edit.
#include \"services/db/migrations_data.hpp\"
namespace keel::db {
${arrays}
const std::vector<EmbeddedMigration>& embedded_migrations() {
  static const std::vector<EmbeddedMigration> all = {
${entries}  };
  return all;
}
}  // namespace keel::db
")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
