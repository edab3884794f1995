#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

namespace keel {

namespace {
// %j: the message as JSON fields, so a JSON log line stays valid whatever
// the message holds. A message that is itself a JSON object (the access
// log) has its fields merged; anything else becomes "msg":"...".
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    std::string_view payload(msg.payload.data(), msg.payload.size());
    std::string out;
    if (payload.size() > 1 && payload.front() == '{' && payload.back() == '}') {
      auto parsed = nlohmann::json::parse(payload, nullptr, false);
      if (!parsed.is_discarded() && parsed.is_object() && !parsed.empty()) {
        std::string inner = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        out.assign(inner, 1, inner.size() - 2);
      }
    }
    if (out.empty()) {
      out = "\"msg\":";
      out += nlohmann::json(std::string(payload)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    dest.append(out.data(), out.data() + out.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonMessageFlag>(); }
};
}  // namespace

void init_logging(const std::string& level, const std::string& format) {
  auto logger = spdlog::stdout_logger_mt("keel");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  if (format == "json") {
    auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    f->add_flag<JsonMessageFlag>('j');
    f->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%j})");
    spdlog::set_formatter(std::move(f));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace keel
