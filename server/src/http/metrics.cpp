#include "http/metrics.hpp"

#include <sstream>

namespace guanxi::http {

namespace {

std::string Escape(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

void Metrics::RecordRequest(const std::string& method, const std::string& route, int status,
                            double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{method, route, status}];
    Histogram& h = latency_[route];
    for (size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

void Metrics::AddGauge(std::string name, std::string help, GaugeFn fn) {
    std::lock_guard lock(mutex_);
    gauges_.push_back({std::move(name), std::move(help), std::move(fn)});
}

std::string Metrics::Render() const {
    std::ostringstream out;
    std::vector<Gauge> gauges;
    {
        std::lock_guard lock(mutex_);
        out << "# HELP guanxi_http_requests_total HTTP requests by route and status.\n"
               "# TYPE guanxi_http_requests_total counter\n";
        for (const auto& [key, count] : requests_) {
            const auto& [method, route, status] = key;
            out << "guanxi_http_requests_total{method=\"" << method << "\",route=\""
                << Escape(route) << "\",status=\"" << status << "\"} " << count << "\n";
        }
        out << "# HELP guanxi_http_request_duration_seconds Request latency by route.\n"
               "# TYPE guanxi_http_request_duration_seconds histogram\n";
        for (const auto& [route, h] : latency_) {
            const std::string label = "route=\"" + Escape(route) + "\"";
            for (size_t i = 0; i < kBuckets.size(); ++i) {
                out << "guanxi_http_request_duration_seconds_bucket{" << label << ",le=\""
                    << kBuckets[i] << "\"} " << h.buckets[i] << "\n";
            }
            out << "guanxi_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
                << h.count << "\n";
            out << "guanxi_http_request_duration_seconds_sum{" << label << "} " << h.sum << "\n";
            out << "guanxi_http_request_duration_seconds_count{" << label << "} " << h.count
                << "\n";
        }
        gauges = gauges_;
    }
    for (const Gauge& g : gauges) {
        out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n";
        for (const auto& [labels, value] : g.fn()) {
            out << g.name << (labels.empty() ? "" : "{" + labels + "}") << " " << value << "\n";
        }
    }
    return out.str();
}

}  // namespace guanxi::http
