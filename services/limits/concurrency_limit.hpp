#pragma once
// A counted bound on concurrent work (uploads, PDF renderings): try_acquire
// gives an RAII slot or nothing. Thread-safe; no waiting here.
#include <atomic>
#include <cstddef>
#include <optional>

namespace keel {

class ConcurrencyLimit {
 public:
  explicit ConcurrencyLimit(std::size_t max) : max_(max) {}

  class Slot {
   public:
    Slot() = default;
    explicit Slot(ConcurrencyLimit* l) : l_(l) {}
    Slot(Slot&& o) noexcept : l_(o.l_) { o.l_ = nullptr; }
    Slot& operator=(Slot&& o) noexcept {
      if (this != &o) {
        release();
        l_ = o.l_;
        o.l_ = nullptr;
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { release(); }
    explicit operator bool() const { return l_ != nullptr; }

   private:
    void release() {
      if (l_) l_->in_use_.fetch_sub(1);
      l_ = nullptr;
    }
    ConcurrencyLimit* l_ = nullptr;
  };

  std::optional<Slot> try_acquire() {
    std::size_t cur = in_use_.load();
    while (cur < max_)
      if (in_use_.compare_exchange_weak(cur, cur + 1)) return Slot(this);
    return std::nullopt;
  }
  std::size_t in_use() const { return in_use_.load(); }
  std::size_t max() const { return max_; }

 private:
  std::size_t max_;
  std::atomic<std::size_t> in_use_{0};
};

}  // namespace keel
