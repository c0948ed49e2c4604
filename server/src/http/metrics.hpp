#pragma once
// Prometheus metrics kept in process: requests by route and status, a latency histogram, and gauges
// that other components report through callbacks (database pool, jobs).

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace guanxi::http {

class Metrics {
  public:
    void RecordRequest(const std::string& method, const std::string& route, int status,
                       double seconds);

    // A gauge read at scrape time: name, help, and a function returning labelled values.
    using GaugeFn = std::function<std::vector<std::pair<std::string, double>>()>;
    void AddGauge(std::string name, std::string help, GaugeFn fn);

    // The text exposition format, version 0.0.4.
    std::string Render() const;

  private:
    static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                        0.05,   0.1,   0.25,   0.5,   1,    5};
    mutable std::mutex mutex_;
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
    struct Histogram {
        std::array<std::uint64_t, kBuckets.size()> buckets{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    std::map<std::string, Histogram> latency_;  // by route
    struct Gauge {
        std::string name;
        std::string help;
        GaugeFn fn;
    };
    std::vector<Gauge> gauges_;
};

}  // namespace guanxi::http
