// services/storage/pipeline_stage: order, the bound on what waits, failure
// surfacing in the producer, and stopping with work queued.
#include "services/storage/pipeline_stage.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using keel::storage::PipelineStage;
using namespace std::chrono_literals;

namespace {

// Spins (with a deadline) until pred holds.
template <class P>
bool eventually(P pred) {
  const auto until = std::chrono::steady_clock::now() + 5s;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST(PipelineStage, ConsumesEveryItemInOrder) {
  std::vector<std::string> seen;  // the worker's; read after finish()
  PipelineStage<std::string> stage(2, [&](std::string& s) { seen.push_back(s); });
  for (int i = 0; i < 1000; ++i) {
    std::string item = stage.take();
    EXPECT_TRUE(item.empty());
    item = std::to_string(i);
    stage.push(std::move(item));
  }
  stage.finish();
  ASSERT_EQ(seen.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], std::to_string(i));
}

TEST(PipelineStage, TakeReusesAConsumedItemsCapacity) {
  PipelineStage<std::string> stage(1, [](std::string&) {});
  std::string big(1 << 16, 'x');
  stage.push(std::move(big));
  stage.finish();
  std::string again = stage.take();
  EXPECT_TRUE(again.empty());
  EXPECT_GE(again.capacity(), 1u << 16);
}

TEST(PipelineStage, PushBlocksWhileDepthItemsWait) {
  std::atomic<bool> release{false};
  std::atomic<int> consumed{0};
  PipelineStage<std::string> stage(2, [&](std::string&) {
    while (!release) std::this_thread::sleep_for(1ms);
    ++consumed;
  });
  std::atomic<int> pushed{0};
  std::thread producer([&] {
    for (int i = 0; i < 5; ++i) {
      stage.push("x");
      ++pushed;
    }
  });
  // One is being consumed, two wait: the fourth push blocks.
  EXPECT_TRUE(eventually([&] { return pushed == 3; }));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(pushed, 3);
  release = true;
  producer.join();
  stage.finish();
  EXPECT_EQ(consumed, 5);
}

TEST(PipelineStage, AFailureSurfacesInPushAndFinishAndDropsTheRest) {
  std::atomic<int> consumed{0};
  PipelineStage<std::string> stage(4, [&](std::string& s) {
    if (s == "bad") throw std::runtime_error("disk full");
    ++consumed;
  });
  stage.push("a");
  stage.push("bad");
  EXPECT_TRUE(eventually([&] {
    try {
      stage.push("later");
      return false;
    } catch (const std::runtime_error& e) { return std::string(e.what()) == "disk full"; }
  }));
  EXPECT_THROW(stage.finish(), std::runtime_error);
  EXPECT_EQ(consumed, 1);  // nothing after the failure ran
}

TEST(PipelineStage, DestroyedWithWorkQueuedStopsPromptly) {
  std::atomic<int> consumed{0};
  {
    PipelineStage<std::string> stage(8, [&](std::string&) {
      std::this_thread::sleep_for(20ms);
      ++consumed;
    });
    for (int i = 0; i < 8; ++i) stage.push("x");
  }  // the item in hand finishes; the queued ones are dropped
  EXPECT_LT(consumed, 8);
}
