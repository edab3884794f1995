// CSV -> JSON Lines speed of keel::datafeed::CsvToJsonl on one core.
//
//   keel_csv_speed [MB] [FILE]
//
// Converts a realistic product catalogue of MB megabytes (default 256),
// generated in memory, or the bytes of FILE (e.g. from gen_csv.py), in
// 1 MiB chunks, 5 times, and prints the median in MB/s of CSV read. The
// JSONL is discarded after each chunk, as a sync writes it out.
#include "services/datafeed/csv_to_jsonl.hpp"

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace df = keel::datafeed;

namespace {

struct Rng {  // xorshift64: the same catalogue on every run
  std::uint64_t s = 0x9E3779B97F4A7C15ull;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  template <class T, std::size_t N>
  const T& pick(const T (&a)[N]) {
    return a[below(N)];
  }
};

// sku, name, description, price, currency, category, stock, ean, url,
// updated_at, brand, color, size, weight_g: 14 columns of mixed short
// fields, some quoted with commas, quotes or newlines, some non-ASCII.
std::string catalogue(std::size_t bytes) {
  static const char* const kNames[] = {
      "Café Crème Mug",    "Größe M T-Shirt",   "Zoë Linen Shirt", "\"Classic\" Tea Pot, 1 l",
      "Trail Runner 2",    "東京 Ceramic Bowl", "Łódź Wool Scarf", "Espresso Beans, 1 kg",
      "Kids' Rain Jacket", "Sunrise Candle",    "Señor Sombrero",  "Smörgås Board",
  };
  static const char* const kPhrases[] = {
      "Soft, breathable and built to last.",
      "Our \"everyday\" favourite \xE2\x80\x94 now in more colours.",
      "Hand-finished in small batches",
      "Ships in 2\xE2\x80\x93"
      "3 days.\nFree returns within 30 days.",
      "Fabriqu\xC3\xA9 \xC3\xA0 Paris",
      "Dishwasher-safe",
  };
  static const char* const kCategories[] = {"Home & Garden > Kitchen", "Apparel > Shirts", "Food > Coffee",
                                            "Apparel > Shoes", "Home & Garden > Decor"};
  static const char* const kCurrencies[] = {"EUR", "USD", "GBP", "PLN"};
  static const char* const kBrands[] = {"Acme", "Zoë & Co", "Nordic Hygge", "Müller", "東京 Goods"};
  static const char* const kColors[] = {"Ivory", "Slate", "Rosé", "Grün", "Navy", ""};
  static const char* const kSizes[] = {"S", "M", "L", "XL", "42", ""};

  const auto quoted = [](std::string& out, const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
      out += v;
      return;
    }
    out += '"';
    for (char c : v) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  };

  Rng rng;
  std::string csv =
      "sku,name,description,price,currency,category,stock,ean,url,updated_at,brand,color,size,weight_g\r\n";
  csv.reserve(bytes + 4096);
  std::string desc;
  char buf[64];
  for (std::uint64_t id = 1; csv.size() < bytes; ++id) {
    std::snprintf(buf, sizeof buf, "SKU-%06llu,", static_cast<unsigned long long>(id));
    csv += buf;
    quoted(csv, rng.pick(kNames));
    csv += ',';
    desc.clear();
    const std::size_t n = rng.below(3);
    for (std::size_t k = 0; k < n; ++k) {
      if (k) desc += rng.below(2) ? " " : "\n";
      desc += rng.pick(kPhrases);
    }
    quoted(csv, desc);
    std::snprintf(buf, sizeof buf, ",%zu.%02zu,", 1 + rng.below(500), rng.below(100));
    csv += buf;
    csv += rng.pick(kCurrencies);
    csv += ',';
    csv += rng.pick(kCategories);
    std::snprintf(buf, sizeof buf, ",%zu,40%011zu,", rng.below(1000), rng.below(100000000000ull));
    csv += buf;
    std::snprintf(buf, sizeof buf, "https://shop.example.com/p/sku-%06llu", static_cast<unsigned long long>(id));
    csv += buf;
    std::snprintf(buf, sizeof buf, ",2026-%02zu-%02zuT%02zu:%02zu:00Z,", 1 + rng.below(12), 1 + rng.below(28),
                  rng.below(24), rng.below(60));
    csv += buf;
    quoted(csv, rng.pick(kBrands));
    csv += ',';
    csv += rng.pick(kColors);
    csv += ',';
    csv += rng.pick(kSizes);
    std::snprintf(buf, sizeof buf, ",%zu\r\n", 50 + rng.below(2000));
    csv += buf;
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 256;
  std::string csv;
  if (argc > 2) {
    std::ifstream in(argv[2], std::ios::binary);
    csv.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } else {
    csv = catalogue(mb << 20);
  }
  constexpr std::size_t kChunk = 1 << 20;
  // Wall time, and this thread's CPU time: on a shared machine the second
  // is what one core does.
  const auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  };
  std::vector<double> rates, cpu_rates;
  std::uint64_t records = 0, bad = 0, jsonl = 0;
  for (int run = 0; run < 5; ++run) {
    df::CsvToJsonl conv{df::CsvOptions{}};
    std::string out;
    std::vector<std::uint64_t> index;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    for (std::size_t at = 0; at < csv.size(); at += kChunk) {
      conv.feed(std::string_view(csv).substr(at, kChunk), out, index);
      out.clear();
    }
    conv.finish(out, index);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rates.push_back(static_cast<double>(csv.size()) / 1e6 / s);
    cpu_rates.push_back(static_cast<double>(csv.size()) / 1e6 / (cpu_now() - c0));
    records = conv.records();
    bad = conv.bad_rows();
    jsonl = conv.jsonl_bytes();
  }
  std::sort(rates.begin(), rates.end());
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::printf("csv %.1f MB, %llu records, %llu bad, jsonl %.1f MB\n", static_cast<double>(csv.size()) / 1e6,
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(bad),
              static_cast<double>(jsonl) / 1e6);
  std::printf("wall: median %.0f MB/s (min %.0f, max %.0f)\n", rates[2], rates[0], rates[4]);
  std::printf("cpu:  median %.0f MB/s (min %.0f, max %.0f)\n", cpu_rates[2], cpu_rates[0], cpu_rates[4]);
  return 0;
}
