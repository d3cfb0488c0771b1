// UDP sockets on the loopback: binding, batched receive, prefixed send, and the socket set of
// a configuration.
#include "engine/udp_socket.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/time.h"
#include "engine/ike_sockets.h"

namespace vpngw::engine {
namespace {

const Ipv4 kLoopbackAddress{0x7f000001};

struct Received {
  Endpoint remote;
  Bytes data;
};

// Reads until count datagrams arrived (loopback delivery is immediate, but allow a little).
std::vector<Received> receiveCount(UdpSocket& s, size_t count) {
  std::vector<Received> out;
  for (int i = 0; i < 200 && out.size() < count; ++i) {
    s.receive([&out](const Endpoint& remote, ByteView data) {
      out.push_back({remote, toBytes(data)});
    });
    if (out.size() < count) {
      std::this_thread::sleep_for(5ms);
    }
  }
  return out;
}

TEST(UdpSocket, BindsAnyFreePortAndReportsIt) {
  Result<UdpSocket> s = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->local().address, kLoopbackAddress);
  EXPECT_NE(s->local().port, 0);
}

TEST(UdpSocket, SecondBindOfTheSameEndpointFails) {
  Result<UdpSocket> first = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(first.ok());
  Result<UdpSocket> second = UdpSocket::bind(first->local());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("cannot bind UDP 127.0.0.1:"), std::string::npos)
      << second.error().message;
}

TEST(UdpSocket, SendsPrefixAndDataAsOneDatagram) {
  Result<UdpSocket> a = UdpSocket::bind({kLoopbackAddress, 0});
  Result<UdpSocket> b = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(a.ok() && b.ok());
  Bytes prefix{0, 0, 0, 0};
  Bytes data{1, 2, 3};
  ASSERT_TRUE(a->sendTo(b->local(), view(prefix), view(data)).ok());
  ASSERT_TRUE(a->sendTo(b->local(), {}, view(data)).ok());
  std::vector<Received> got = receiveCount(*b, 2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].data, (Bytes{0, 0, 0, 0, 1, 2, 3}));
  EXPECT_EQ(got[0].remote, a->local());
  EXPECT_EQ(got[1].data, data);
}

TEST(UdpSocket, ReceivesMoreThanOneBatchAndRespectsTheBudget) {
  Result<UdpSocket> a = UdpSocket::bind({kLoopbackAddress, 0});
  Result<UdpSocket> b = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(a.ok() && b.ok());
  constexpr size_t kCount = UdpSocket::kBatch * 3 + 5;
  for (size_t i = 0; i < kCount; ++i) {
    Bytes d{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)};
    ASSERT_TRUE(a->sendTo(b->local(), {}, view(d)).ok());
  }
  std::vector<Received> got;
  auto sink = [&got](const Endpoint& remote, ByteView data) {
    got.push_back({remote, toBytes(data)});
  };
  // A budget of one batch stops after the first full batch.
  UdpSocket::ReceiveResult first = b->receive(sink, UdpSocket::kBatch);
  EXPECT_EQ(first.datagrams, UdpSocket::kBatch);
  UdpSocket::ReceiveResult rest = b->receive(sink);
  EXPECT_EQ(rest.datagrams, kCount - UdpSocket::kBatch);
  ASSERT_EQ(got.size(), kCount);
  for (size_t i = 0; i < kCount; ++i) {
    EXPECT_EQ(got[i].data, (Bytes{static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8)}));
  }
  EXPECT_EQ(b->receive(sink).datagrams, 0u);  // drained: would block
}

TEST(UdpSocket, LargestDatagramArrivesWhole) {
  Result<UdpSocket> a = UdpSocket::bind({kLoopbackAddress, 0});
  Result<UdpSocket> b = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(a.ok() && b.ok());
  Bytes big(65507, 0x5a);  // the IPv4 UDP maximum
  ASSERT_TRUE(a->sendTo(b->local(), {}, view(big)).ok());
  std::vector<Received> got = receiveCount(*b, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data.size(), big.size());
}

TEST(IkeSockets, DistinctBindAddressesInConfigOrder) {
  ike::Config c;
  auto gw = [](std::string name, const char* ip) {
    ike::GatewayConfig g;
    g.name = std::move(name);
    g.bind_ip = *Ipv4::parse(ip);
    g.public_ip = g.bind_ip;
    return g;
  };
  c.gateways = {gw("a", "10.0.0.2"), gw("b", "10.0.0.1"), gw("c", "10.0.0.2")};
  EXPECT_EQ(distinctBindAddresses(c),
            (std::vector<Ipv4>{*Ipv4::parse("10.0.0.2"), *Ipv4::parse("10.0.0.1")}));
  EXPECT_TRUE(distinctBindAddresses(ike::Config{}).empty());
}

TEST(IkeSockets, BindsBothPortsPerAddress) {
  Ipv4 second{0x7f000002};
  Result<IkeSockets> s = IkeSockets::bind({kLoopbackAddress, second}, {0, 0});
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(s->entries().size(), 4u);
  EXPECT_FALSE(s->entries()[0].natt);
  EXPECT_TRUE(s->entries()[1].natt);
  EXPECT_EQ(s->entries()[2].socket.local().address, second);
  Endpoint natt = s->entries()[1].socket.local();
  ASSERT_NE(s->find(natt), nullptr);
  EXPECT_TRUE(s->find(natt)->natt);
  EXPECT_EQ(s->find({kLoopbackAddress, 1}), nullptr);
  EXPECT_NE(s->describe().find(natt.toString()), std::string::npos);
}

TEST(IkeSockets, BindFailureNamesTheEndpoint) {
  Result<UdpSocket> taken = UdpSocket::bind({kLoopbackAddress, 0});
  ASSERT_TRUE(taken.ok());
  Result<IkeSockets> s = IkeSockets::bind({kLoopbackAddress}, {taken->local().port, 0});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(taken->local().toString()), std::string::npos);
}

}  // namespace
}  // namespace vpngw::engine
