// The packet path end to end without I/O: A's outbound processing feeds B's inbound
// processing, for raw ESP, ESP-in-UDP and AH, TSO super-packets and their re-coalescing, and
// every kind of refusal with its counter.
#include "dataplane/userspace/packet_path.h"

#include <gtest/gtest.h>

#include "packet_builder.h"
#include "tunnel_fixture.h"

namespace vpngw::dataplane::userspace {
namespace {

using test::get16;
using test::get32;
using test::Side;

TEST(PacketPath, RawEspRoundTrip) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), /*udp_encap=*/false);
  Side a(a_sa);
  Side b(b_sa);
  auto inner = test::udpPacket("10.1.0.2", "10.2.0.2", 300, 1);
  a.fromTun(inner);
  ASSERT_EQ(a.out.sent.size(), 1u);
  const test::Sent& s = a.out.sent[0];
  EXPECT_FALSE(s.d.udp);
  EXPECT_EQ(s.d.fd, test::kRawEspFd);
  EXPECT_EQ(s.d.remote.address.toString(), "198.18.1.2");
  // The outer IPv4 header we write for IP_HDRINCL.
  ASSERT_GE(s.bytes.size(), 20u + 8u);
  EXPECT_EQ(s.bytes[0], 0x45);
  EXPECT_EQ(s.bytes[9], 50);
  EXPECT_EQ(get16(&s.bytes[2]), s.bytes.size());
  EXPECT_EQ(get16(&s.bytes[6]) & 0x4000, 0) << "DF clear: large ESP packets may fragment";
  EXPECT_EQ(Ipv4{get32(&s.bytes[12])}.toString(), "198.18.1.1");
  EXPECT_EQ(Ipv4{get32(&s.bytes[16])}.toString(), "198.18.1.2");
  EXPECT_EQ(get32(&s.bytes[20]), 0xb2b2b2b2u) << "the peer's SPI";
  EXPECT_EQ(get32(&s.bytes[24]), 1u) << "first sequence number";

  b.fromNetwork(s);
  ASSERT_EQ(b.tun.writes.size(), 1u);
  EXPECT_EQ(b.tun.writes[0].packet, inner);
  EXPECT_EQ(a.counters.get(Counter::kPacketsOut), 1u);
  EXPECT_EQ(a.counters.get(Counter::kBytesOut), inner.size());
  EXPECT_EQ(b.counters.get(Counter::kPacketsIn), 1u);
  EXPECT_EQ(b.counters.get(Counter::kBytesIn), inner.size());
  SaCounters ca = a.sa().counters(1000, 1'700'000'000);
  EXPECT_EQ(ca.packets_out, 1u);
  EXPECT_EQ(ca.bytes_out, inner.size());
  EXPECT_EQ(ca.last_used_unix, 1'700'000'000);
  SaCounters cb = b.sa().counters(3500, 1'700'000'000);
  EXPECT_EQ(cb.packets_in, 1u);
  EXPECT_EQ(cb.last_used_unix, 1'700'000'000 - 2) << "2.5 s ago";
  EXPECT_EQ(b.sa().lastInMs(), 1000);
}

TEST(PacketPath, UdpEncapsulatedGcmRoundTrip) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), /*udp_encap=*/true);
  Side a(a_sa);
  Side b(b_sa);
  auto inner = test::tcpPacket(1000);
  a.fromTun(inner);
  ASSERT_EQ(a.out.sent.size(), 1u);
  const test::Sent& s = a.out.sent[0];
  EXPECT_TRUE(s.d.udp);
  EXPECT_EQ(s.d.fd, test::kNattFd);
  EXPECT_EQ(s.d.remote.toString(), "198.18.1.2:4500");
  EXPECT_EQ(get32(&s.bytes[0]), 0xb2b2b2b2u) << "ESP-in-UDP: the datagram starts at the SPI";
  EXPECT_EQ(classifyNatt(s.bytes), NattKind::Esp);
  b.fromNetwork(s);
  ASSERT_EQ(b.tun.writes.size(), 1u);
  EXPECT_EQ(b.tun.writes[0].packet, inner);
}

TEST(PacketPath, OutboundFollowsAPeerThatMoved) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), /*udp_encap=*/true);
  Side a(a_sa);
  // RFC 7296 §2.23: the NAT in front of the peer now maps it to another port.
  a.sa().setRemote({Ipv4{0xc6120102}, 31000});
  a.fromTun(test::tcpPacket(200));
  ASSERT_EQ(a.out.sent.size(), 1u);
  EXPECT_EQ(a.out.sent[0].d.remote.toString(), "198.18.1.2:31000");
  EXPECT_EQ(get32(&a.out.sent[0].bytes[4]), 1u) << "the sequence numbers go on unchanged";
}

TEST(PacketPath, InboundFollowsANatRemapOnlyForNewerAuthenticatedPackets) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), /*udp_encap=*/true);
  Side a(a_sa);
  Side b(b_sa);
  for (int i = 0; i < 3; ++i) {
    a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 100, static_cast<uint16_t>(i)));
  }
  ASSERT_EQ(a.out.sent.size(), 3u);
  const Endpoint original = b.sa().remote();
  const Endpoint moved{original.address, 31000};
  // Packet 1 from the usual place, packet 3 from a new port: B follows.
  b.fromNetworkVia(a.out.sent[0], original);
  b.fromNetworkVia(a.out.sent[2], moved);
  EXPECT_EQ(b.sa().remote(), moved);
  EXPECT_EQ(b.counters.get(Counter::kPeerMoved), 1u);
  // Packet 2 arrives late from the old mapping: accepted, but it is older, so B stays.
  b.fromNetworkVia(a.out.sent[1], original);
  EXPECT_EQ(b.tun.writes.size(), 3u);
  EXPECT_EQ(b.sa().remote(), moved);
  // A replay of packet 3 from yet another address is refused and moves nothing.
  b.fromNetworkVia(a.out.sent[2], {Ipv4{0x0a0a0a0a}, 4500});
  EXPECT_EQ(b.sa().remote(), moved);
  EXPECT_EQ(b.counters.get(esp::PacketError::kReplayed), 1u);
  // A forged packet (bad ICV) from elsewhere moves nothing either.
  test::Sent forged = a.out.sent[2];
  forged.bytes[4] = 0x7f;  // a far higher sequence number
  forged.bytes.back() ^= 1;
  b.fromNetworkVia(forged, {Ipv4{0x0a0a0a0b}, 4500});
  EXPECT_EQ(b.sa().remote(), moved);
  EXPECT_EQ(b.counters.get(Counter::kPeerMoved), 1u);
}

TEST(PacketPath, AhRoundTrip) {
  auto [a_sa, b_sa] = test::childSaPair(test::ahSha256(), /*udp_encap=*/false);
  Side a(a_sa);
  Side b(b_sa);
  auto inner = test::udpPacket("10.1.0.7", "10.2.0.9", 64);
  a.fromTun(inner);
  a.fromTun(inner);
  ASSERT_EQ(a.out.sent.size(), 2u);
  EXPECT_EQ(a.out.sent[0].d.fd, test::kRawAhFd);
  EXPECT_EQ(a.out.sent[0].bytes[9], 51);
  EXPECT_NE(get16(&a.out.sent[0].bytes[4]), 0) << "the IP ID is covered by the ICV";
  EXPECT_NE(get16(&a.out.sent[0].bytes[4]), get16(&a.out.sent[1].bytes[4]));
  b.fromNetwork(a.out.sent[0]);
  b.fromNetwork(a.out.sent[1]);
  ASSERT_EQ(b.tun.writes.size(), 2u);
  EXPECT_EQ(b.tun.writes[1].packet, inner);
}

TEST(PacketPath, AhRefusesUdpEncapsulation) {
  auto [a_sa, b_sa] = test::childSaPair(test::ahSha256(), /*udp_encap=*/true);
  EXPECT_FALSE(SaState::create(a_sa, 1).ok());
}

TEST(PacketPath, TsoSuperPacketIsSegmentedEncryptedAndCoalescedAgain) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), /*udp_encap=*/true);
  Side a(a_sa, /*vnet_hdr=*/true);
  Side b(b_sa, /*vnet_hdr=*/true);
  test::TcpSpec spec;
  spec.options = test::timestampOption(5, 6);
  spec.payload = 20 * 1348 + 100;
  spec.flags = 0x18;
  auto super = test::tcpPacket(spec);
  VnetHdr h{kVnetFlagNeedsCsum, kVnetGsoTcpv4, 52, 1348, 20, 16};
  a.fromTunWithHdr(h, super);
  ASSERT_EQ(a.out.sent.size(), 21u);
  EXPECT_EQ(a.counters.get(Counter::kTunSuperPackets), 1u);
  EXPECT_EQ(a.counters.get(Counter::kPacketsOut), 21u);
  // Equal-size ESP packets (UDP GSO can send them as one) with consecutive sequence numbers.
  for (size_t i = 0; i < 21; ++i) {
    EXPECT_EQ(get32(&a.out.sent[i].bytes[4]), i + 1);
    if (i < 20) {
      EXPECT_EQ(a.out.sent[i].bytes.size(), a.out.sent[0].bytes.size());
    }
  }
  b.fromNetworkBatch(a.out.sent);
  ASSERT_EQ(b.tun.writes.size(), 1u) << "coalesced into one super-packet for the TUN device";
  test::TunWrite w = b.tun.writes[0];
  EXPECT_TRUE(w.coalesced);
  EXPECT_EQ(w.hdr.gso_type, kVnetGsoTcpv4);
  EXPECT_EQ(w.hdr.gso_size, 1348);
  ASSERT_EQ(w.packet.size(), super.size());
  ASSERT_TRUE(completeChecksum(w.packet, w.hdr.csum_start, w.hdr.csum_offset));
  EXPECT_TRUE(test::l4ChecksumOk(w.packet));
  EXPECT_TRUE(std::equal(w.packet.begin() + 52, w.packet.end(), super.begin() + 52));
  EXPECT_EQ(w.packet[33], 0x18) << "PSH of the last segment";
  EXPECT_EQ(b.counters.get(Counter::kPacketsIn), 21u);
}

TEST(PacketPath, PartialChecksumFromTheTunIsCompletedBeforeEncryption) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  Side a(a_sa, true);
  Side b(b_sa, true);
  auto pkt = test::udpPacket("10.1.0.2", "10.2.0.2", 99);
  const auto good = pkt;
  pkt[26] = 0;
  pkt[27] = 0;
  uint32_t pseudo = test::naivePseudo(pkt.data(), 17, 107);
  while (pseudo > 0xffff) {
    pseudo = (pseudo & 0xffff) + (pseudo >> 16);
  }
  test::set16(&pkt[26], static_cast<uint16_t>(pseudo));
  a.fromTunWithHdr(VnetHdr{kVnetFlagNeedsCsum, 0, 0, 0, 20, 6}, pkt);
  ASSERT_EQ(a.out.sent.size(), 1u);
  b.fromNetwork(a.out.sent[0]);
  ASSERT_EQ(b.tun.writes.size(), 1u);
  EXPECT_EQ(b.tun.writes[0].packet, good);
}

TEST(PacketPath, ClampsMssBothWays) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  Side a(a_sa);
  Side b(b_sa);
  std::vector<uint8_t> mss1460{2, 4, 0x05, 0xb4};
  auto syn = test::tcpPacket(0, 0x02, mss1460);
  a.fromTun(syn);
  ASSERT_EQ(a.out.sent.size(), 1u);
  EXPECT_EQ(a.counters.get(Counter::kMssClamped), 1u);
  b.ctx.mss = 1200;  // a smaller tunnel MTU on B's side
  b.fromNetwork(a.out.sent[0]);
  ASSERT_EQ(b.tun.writes.size(), 1u);
  EXPECT_EQ(get16(&b.tun.writes[0].packet[42]), 1200);
  EXPECT_TRUE(test::l4ChecksumOk(b.tun.writes[0].packet));
  EXPECT_EQ(b.counters.get(Counter::kMssClamped), 1u);
}

TEST(PacketPath, DropsWhatNoPolicyCovers) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  Side a(a_sa);
  a.fromTun(test::udpPacket("10.1.0.2", "10.3.0.2", 10));  // destination outside
  a.fromTun(test::udpPacket("10.1.9.2", "10.2.0.2", 10));  // source outside
  std::vector<uint8_t> v6(60, 0);
  v6[0] = 0x60;
  a.fromTun(v6);
  a.fromTun({0x45, 0, 0});  // truncated
  EXPECT_TRUE(a.out.sent.empty());
  EXPECT_EQ(a.counters.get(Counter::kDroppedNoPolicy), 2u);
  EXPECT_EQ(a.counters.get(Counter::kDroppedNotIpv4), 1u);
  EXPECT_EQ(a.counters.get(Counter::kDroppedMalformedInner), 1u);
  EXPECT_EQ(a.sa().counters(0, 0).packets_out, 0u);
}

TEST(PacketPath, CountsTamperedReplayedAndUnknownPackets) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), true);
  Side a(a_sa);
  Side b(b_sa);
  auto inner = test::udpPacket("10.1.0.2", "10.2.0.2", 200);
  a.fromTun(inner);
  a.fromTun(inner);
  ASSERT_EQ(a.out.sent.size(), 2u);

  test::Sent tampered = a.out.sent[0];
  tampered.bytes[40] ^= 0x80;
  b.fromNetwork(tampered);
  EXPECT_EQ(b.counters.get(esp::PacketError::kAuthFailed), 1u);

  b.fromNetwork(a.out.sent[0]);  // the genuine one still passes: forgeries move no window
  b.fromNetwork(a.out.sent[0]);  // replayed
  EXPECT_EQ(b.counters.get(esp::PacketError::kReplayed), 1u);

  test::Sent unknown = a.out.sent[1];
  test::set32(unknown.bytes.data(), 0x12345678);
  b.fromNetwork(unknown);
  EXPECT_EQ(b.counters.get(Counter::kDroppedUnknownSpi), 1u);

  test::Sent truncated = a.out.sent[1];
  truncated.bytes.resize(6);
  b.fromNetwork(truncated);
  EXPECT_EQ(b.counters.get(esp::PacketError::kTooShort), 1u);

  b.fromNetwork(a.out.sent[1]);  // and the tunnel keeps working
  EXPECT_EQ(b.tun.writes.size(), 2u);
  EXPECT_EQ(b.counters.get(Counter::kPacketsIn), 2u);
}

TEST(PacketPath, AcceptsReorderingWithinTheWindowAndRefusesTooOld) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), true, /*replay_window=*/64);
  Side a(a_sa);
  Side b(b_sa);
  auto inner = test::udpPacket("10.1.0.2", "10.2.0.2", 20);
  for (int i = 0; i < 100; ++i) {
    a.fromTun(inner);
  }
  b.fromNetwork(a.out.sent[99]);  // seq 100 first
  b.fromNetwork(a.out.sent[50]);  // 51: inside the 64-packet window
  b.fromNetwork(a.out.sent[10]);  // 11: too old
  EXPECT_EQ(b.tun.writes.size(), 2u);
  EXPECT_EQ(b.counters.get(esp::PacketError::kTooOld), 1u);
}

TEST(PacketPath, ReplayWindowZeroDisablesTheCheck) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), true, /*replay_window=*/0);
  Side a(a_sa);
  Side b(b_sa);
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 20));
  b.fromNetwork(a.out.sent[0]);
  b.fromNetwork(a.out.sent[0]);
  EXPECT_EQ(b.tun.writes.size(), 2u);
}

TEST(PacketPath, DropsInnerAddressesOutsideTheSelectors) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Sha1(), false);
  // A believes it may send from all of 10.1.0.0/16; B agreed to 10.1.0.0/24 only.
  a_sa.local_ts = test::ranges({"10.1.0.0/16"});
  Side a(a_sa);
  Side b(b_sa);
  a.fromTun(test::udpPacket("10.1.9.9", "10.2.0.2", 20));
  a.fromTun(test::udpPacket("10.1.0.9", "10.2.0.2", 20));
  ASSERT_EQ(a.out.sent.size(), 2u);
  b.fromNetwork(a.out.sent[0]);
  b.fromNetwork(a.out.sent[1]);
  EXPECT_EQ(b.counters.get(Counter::kDroppedSelector), 1u);
  ASSERT_EQ(b.tun.writes.size(), 1u);
  EXPECT_EQ(get32(&b.tun.writes[0].packet[12]), Ipv4::parse("10.1.0.9")->value);
}

TEST(PacketPath, ProtocolMismatchIsCounted) {
  auto [esp_a, esp_b] = test::childSaPair(test::aes128Sha1(), false);
  auto [ah_a, ah_b] = test::childSaPair(test::ahSha256(), false);
  Side a(esp_a);
  Side b(ah_b);  // B has an AH SA under the SPI A's ESP packets carry
  a.fromTun(test::udpPacket("10.1.0.2", "10.2.0.2", 20));
  b.fromNetwork(a.out.sent[0]);
  EXPECT_EQ(b.counters.get(Counter::kDroppedProtocolMismatch), 1u);
}

TEST(PacketPath, RouteModeUsesTheRoutesNotTheSelectors) {
  auto [a_sa, b_sa] = test::childSaPair(test::aes128Gcm(), false);
  for (ChildSa* sa : {&a_sa, &b_sa}) {
    sa->route_mode = true;
    sa->local_ts = test::ranges({"0.0.0.0/0"});
    sa->remote_ts = test::ranges({"0.0.0.0/0"});
  }
  a_sa.routes = {*Subnet::parse("10.2.0.0/24"), *Subnet::parse("10.7.0.0/16")};
  Side a(a_sa);
  Side b(b_sa);
  a.fromTun(test::udpPacket("172.16.0.1", "10.7.3.4", 20));
  a.fromTun(test::udpPacket("10.1.0.2", "10.3.0.1", 20));
  ASSERT_EQ(a.out.sent.size(), 1u);
  EXPECT_EQ(a.counters.get(Counter::kDroppedNoPolicy), 1u);
  b.fromNetwork(a.out.sent[0]);
  EXPECT_EQ(b.tun.writes.size(), 1u) << "0.0.0.0/0 selectors accept any inner address";
}

TEST(PacketPath, ClassifiesPort4500Datagrams) {
  EXPECT_EQ(classifyNatt(std::vector<uint8_t>{0xff}), NattKind::Keepalive);
  EXPECT_EQ(classifyNatt(std::vector<uint8_t>{0, 0, 0}), NattKind::Short);
  EXPECT_EQ(classifyNatt(std::vector<uint8_t>{}), NattKind::Short);
  EXPECT_EQ(classifyNatt(std::vector<uint8_t>{0, 0, 0, 0, 1, 2}), NattKind::Ike);
  EXPECT_EQ(classifyNatt(std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 0, 1}), NattKind::Esp);
}

}  // namespace
}  // namespace vpngw::dataplane::userspace
