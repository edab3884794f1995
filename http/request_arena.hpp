#pragma once
// The memory a request's header fields live in, freed with the request.
//
// The header block is complete before the parser stores its first field, so
// the arena is sized once for that header: up to kInline bytes inside the
// object itself (the connection's frame), a larger header one heap block of
// what it needs. A std::pmr::monotonic_buffer_resource left to grow by
// itself would allocate ever larger blocks and leave each one's tail
// unused: a maximal 16 KiB header of 100 fields cost ~50 KiB that way.
#include <array>
#include <cstddef>
#include <memory_resource>
#include <optional>

namespace keel {

class RequestArena final : public std::pmr::memory_resource {
 public:
  static constexpr std::size_t kInline = 1024;

  RequestArena() = default;
  RequestArena(const RequestArena&) = delete;
  RequestArena& operator=(const RequestArena&) = delete;

  // Once, before the first allocation: the bytes the fields will need. More
  // than that still works (the arena grows), it just costs another block.
  void size_for(std::size_t bytes) {
    if (mono_) return;
    if (bytes <= kInline)
      mono_.emplace(inline_.data(), inline_.size());
    else
      mono_.emplace(bytes);
  }

 private:
  void* do_allocate(std::size_t n, std::size_t align) override {
    if (!mono_) mono_.emplace(inline_.data(), inline_.size());
    return mono_->allocate(n, align);
  }
  void do_deallocate(void*, std::size_t, std::size_t) override {}  // all of it goes with the arena
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  alignas(std::max_align_t) std::array<std::byte, kInline> inline_;
  std::optional<std::pmr::monotonic_buffer_resource> mono_;
};

}  // namespace keel
