// docs/api/openapi.yaml matches the server: every route the server registers is documented
// and every documented operation is a route; each $ref resolves; unknown routes answer 404.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <functional>
#include <set>

#include "unit/api/api_harness.h"

namespace vpngw::api::testing {
namespace {

std::filesystem::path openApiPath() {
  return std::filesystem::path(VPNGW_SOURCE_DIR) / "docs" / "api" / "openapi.yaml";
}

std::string upper(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return s;
}

TEST(OpenApi, DocumentedOperationsAreExactlyTheServersRoutes) {
  ASSERT_TRUE(std::filesystem::exists(openApiPath())) << openApiPath();
  YAML::Node doc = YAML::LoadFile(openApiPath().string());
  std::set<std::string> documented;
  std::set<std::string> operation_ids;
  for (const auto& path : doc["paths"]) {
    for (const auto& op : path.second) {
      const std::string method = op.first.as<std::string>();
      if (method == "parameters") {
        continue;
      }
      documented.insert(upper(method) + " " + path.first.as<std::string>());
      ASSERT_TRUE(op.second["operationId"]) << method << " " << path.first.as<std::string>();
      EXPECT_TRUE(operation_ids.insert(op.second["operationId"].as<std::string>()).second)
          << "duplicate operationId " << op.second["operationId"].as<std::string>();
      EXPECT_TRUE(op.second["responses"] && op.second["responses"].size() > 0);
    }
  }
  ApiHarness h;
  std::set<std::string> served;
  for (const auto& r : h.server().routes()) {
    EXPECT_TRUE(served.insert(r.method + " " + r.path).second) << "route twice: " << r.path;
  }
  for (const auto& r : served) {
    EXPECT_EQ(documented.count(r), 1u) << "served but not in openapi.yaml: " << r;
  }
  for (const auto& d : documented) {
    EXPECT_EQ(served.count(d), 1u) << "in openapi.yaml but not served: " << d;
  }
  EXPECT_EQ(served.size(), 4u + 4u * 7u + 5u);
}

TEST(OpenApi, EveryReferenceResolves) {
  YAML::Node doc = YAML::LoadFile(openApiPath().string());
  size_t refs = 0;
  std::function<void(const YAML::Node&)> walk = [&](const YAML::Node& n) {
    if (n.IsMap()) {
      for (const auto& kv : n) {
        if (kv.first.as<std::string>() == "$ref") {
          const std::string ref = kv.second.as<std::string>();
          ASSERT_EQ(ref.rfind("#/components/", 0), 0u) << ref;
          std::string rest = ref.substr(2);
          YAML::Node cur = YAML::Clone(doc);
          size_t start = 0;
          while (start < rest.size()) {
            size_t slash = rest.find('/', start);
            std::string key =
                rest.substr(start, slash == std::string::npos ? slash : slash - start);
            cur = YAML::Node(cur[key]);
            ASSERT_TRUE(cur.IsDefined() && !cur.IsNull()) << "unresolved " << ref;
            start = slash == std::string::npos ? rest.size() : slash + 1;
          }
          ++refs;
        } else {
          walk(kv.second);
        }
      }
    } else if (n.IsSequence()) {
      for (const auto& item : n) {
        walk(item);
      }
    }
  };
  walk(doc);
  EXPECT_GT(refs, 100u);
}

TEST(OpenApi, EveryRouteIsRegisteredAndUnknownRoutesAnswer404) {
  ApiHarness h;
  // An unauthenticated request reaches every registered route's handler (401), while a path
  // the server does not have answers 404 with a JSON error naming it.
  for (const auto& r : h.server().routes()) {
    std::string path = r.path;
    if (auto at = path.find("{id}"); at != std::string::npos) {
      path.replace(at, 4, "x");
    }
    auto res = h.call(r.method, path, "");
    EXPECT_EQ(res.status, 401) << r.method << " " << path;
  }
  auto res = h.call("GET", "/v1/routers", h.operatorToken());
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.json["error"]["field"], "path");
  EXPECT_EQ(res.json["error"]["value"], "/v1/routers");
  res = h.call("GET", "/v2/tunnels", h.operatorToken());
  EXPECT_EQ(res.status, 404);
}

}  // namespace
}  // namespace vpngw::api::testing
