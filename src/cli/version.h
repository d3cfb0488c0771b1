#pragma once
#include <string_view>

namespace vpngw::cli {

// Keep in step with project(VERSION) in the top-level CMakeLists.txt.
inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace vpngw::cli
