// The route hook: add/del invocations in order, with the tunnel's prefixes and id.
#include "engine/route_hook.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "temp_dir.h"

namespace vpngw::engine {
namespace {

using testing::TempDir;

class RouteHookTest : public ::testing::Test {
 protected:
  RouteHookTest() {
    script_ = dir_.file("hook.sh");
    log_ = dir_.file("calls.log");
    std::ofstream f(script_);
    f << "#!/bin/sh\necho \"$* id=$VPNGW_TUNNEL_ID\" >> " << log_ << "\n";
    f.close();
    ::chmod(script_.c_str(), 0700);
  }
  std::string calls() {
    std::ifstream f(log_);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }
  TempDir dir_;
  std::string script_;
  std::string log_;
  NullLogger logger_;
};

TEST_F(RouteHookTest, PublishesConnectsChangesAndWithdrawals) {
  RouteHook hook(script_, logger_);
  std::vector<Subnet> one{*Subnet::parse("10.2.0.0/24")};
  std::vector<Subnet> two{*Subnet::parse("10.2.0.0/24"), *Subnet::parse("10.3.0.0/24")};
  hook.update("tun-1", "t1", true, one);
  hook.update("tun-1", "t1", true, one);        // no change: nothing runs
  hook.update("tun-1", "t1", true, two);        // prefixes changed: del then add
  hook.update("tun-2", "acme/t2", false, one);  // never connected: nothing to withdraw
  hook.update("tun-1", "t1", false, two);
  EXPECT_EQ(hook.published(), 0u);
  hook.update("tun-2", "acme/t2", true, one);
  hook.withdrawAll();
  hook.drain(Duration(5000));
  EXPECT_EQ(calls(),
            "add t1 10.2.0.0/24 id=tun-1\n"
            "del t1 10.2.0.0/24 id=tun-1\n"
            "add t1 10.2.0.0/24 10.3.0.0/24 id=tun-1\n"
            "del t1 10.2.0.0/24 10.3.0.0/24 id=tun-1\n"
            "add acme/t2 10.2.0.0/24 id=tun-2\n"
            "del acme/t2 10.2.0.0/24 id=tun-2\n");
}

TEST_F(RouteHookTest, AMissingExecutableIsLoggedNotFatal) {
  RouteHook hook(dir_.file("no-such-hook"), logger_);
  hook.update("tun-1", "t1", true, {*Subnet::parse("10.2.0.0/24")});
  hook.drain(Duration(2000));
  EXPECT_EQ(hook.published(), 1u);
}

}  // namespace
}  // namespace vpngw::engine
