// Typed phase-1 and phase-2 transform attributes (RFC 2409 Appendix A, RFC 2407 §4.5).
#include "wire/ikev1/attributes.h"

#include <optional>
#include <string>

#include "base/byte_io.h"
#include "wire/ikev1/payload_codec.h"

namespace vpngw::wire::v1 {
namespace {

constexpr size_t kMaxDurationBytes = 8;

Error attrError(const char* phase, const std::string& what) {
  return makeError(std::string(phase) + ": " + what);
}

// Collects Life Type / Life Duration pairs. RFC 2407 §4.5 and RFC 2409 Appendix A: the type
// comes first and the duration that follows belongs to it; several pairs (seconds and
// kilobytes) may be present, each type once.
class LifeParser {
 public:
  explicit LifeParser(const char* phase) : phase_(phase) {}

  Status type(const Attribute& a) {
    if (pending_) {
      return attrError(phase_, "Life Type without Life Duration");
    }
    if (!a.basic) {
      return attrError(phase_, "Life Type must be a basic attribute");
    }
    if (a.value != life::kSeconds && a.value != life::kKilobytes) {
      return attrError(phase_, "unknown Life Type " + std::to_string(a.value));
    }
    if ((a.value == life::kSeconds && seen_seconds_) ||
        (a.value == life::kKilobytes && seen_kilobytes_)) {
      return attrError(phase_, "duplicate Life Type " + std::to_string(a.value));
    }
    (a.value == life::kSeconds ? seen_seconds_ : seen_kilobytes_) = true;
    pending_ = a.value;
    return {};
  }

  Status duration(const Attribute& a, Lifetime& life) {
    if (!pending_) {
      return attrError(phase_, "Life Duration without Life Type");
    }
    uint64_t value = a.value;
    if (!a.basic) {
      if (a.data.empty() || a.data.size() > kMaxDurationBytes) {
        return attrError(phase_, "Life Duration of " + std::to_string(a.data.size()) + " bytes");
      }
      value = 0;
      for (uint8_t b : a.data) {
        value = value << 8 | b;
      }
    }
    (*pending_ == life::kSeconds ? life.seconds : life.kilobytes) = value;
    pending_.reset();
    return {};
  }

  Status finish() const {
    if (pending_) {
      return attrError(phase_, "Life Type without Life Duration");
    }
    return {};
  }

 private:
  const char* phase_;
  std::optional<uint16_t> pending_;
  bool seen_seconds_ = false;
  bool seen_kilobytes_ = false;
};

// Stores a basic attribute's value in `field`, refusing the variable form and duplicates.
Status setBasic(const char* phase, const Attribute& a, uint32_t& seen, uint16_t& field) {
  if (!a.basic) {
    return attrError(phase, "attribute " + std::to_string(a.type) + " must be basic");
  }
  uint32_t bit = 1u << (a.type & 31);
  if ((seen & bit) != 0) {
    return attrError(phase, "duplicate attribute " + std::to_string(a.type));
  }
  seen |= bit;
  field = a.value;
  return {};
}

void appendLife(std::vector<Attribute>& out, uint16_t type_attr, uint16_t duration_attr,
                const Lifetime& life) {
  auto pair = [&](uint16_t life_type, uint64_t value) {
    out.push_back(Attribute::tv(type_attr, life_type));
    if (value <= 0xffff) {
      out.push_back(Attribute::tv(duration_attr, static_cast<uint16_t>(value)));
      return;
    }
    size_t size = value <= 0xffffffff ? 4 : 8;
    Bytes data(size);
    for (size_t i = 0; i < size; ++i) {
      data[size - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
    }
    out.push_back(Attribute::tlv(duration_attr, std::move(data)));
  };
  if (life.seconds != 0) {
    pair(life::kSeconds, life.seconds);
  }
  if (life.kilobytes != 0) {
    pair(life::kKilobytes, life.kilobytes);
  }
}

void appendIfSet(std::vector<Attribute>& out, uint16_t type, uint16_t value) {
  if (value != 0) {
    out.push_back(Attribute::tv(type, value));
  }
}

}  // namespace

Result<Phase1Attributes> parsePhase1(const Transform& transform) {
  constexpr const char* kPhase = "phase 1 transform";
  if (transform.id != transform_id::kKeyIke) {
    return attrError(kPhase, "transform ID " + std::to_string(transform.id) + " is not KEY_IKE");
  }
  Phase1Attributes out;
  LifeParser life(kPhase);
  uint32_t seen = 0;
  for (const auto& a : transform.attributes) {
    Status st;
    switch (a.type) {
      case p1attr::kEncryption:
        st = setBasic(kPhase, a, seen, out.encryption);
        break;
      case p1attr::kHash:
        st = setBasic(kPhase, a, seen, out.hash);
        break;
      case p1attr::kAuthMethod:
        st = setBasic(kPhase, a, seen, out.auth_method);
        break;
      case p1attr::kGroupDescription:
        st = setBasic(kPhase, a, seen, out.group);
        break;
      case p1attr::kKeyLength:
        st = setBasic(kPhase, a, seen, out.key_length);
        break;
      case p1attr::kLifeType:
        st = life.type(a);
        break;
      case p1attr::kLifeDuration:
        st = life.duration(a, out.life);
        break;
      default:
        // Custom groups (types 5-10, 15, 16) and the PRF attribute (13, no values defined).
        return attrError(kPhase, "unsupported attribute " + std::to_string(a.type));
    }
    if (!st) {
      return st.error();
    }
  }
  if (auto st = life.finish(); !st) {
    return st.error();
  }
  return out;
}

Result<Phase2Attributes> parsePhase2(const Transform& transform) {
  constexpr const char* kPhase = "phase 2 transform";
  Phase2Attributes out;
  LifeParser life(kPhase);
  uint32_t seen = 0;
  uint16_t esn = 0;
  for (const auto& a : transform.attributes) {
    Status st;
    switch (a.type) {
      case p2attr::kLifeType:
        st = life.type(a);
        break;
      case p2attr::kLifeDuration:
        st = life.duration(a, out.life);
        break;
      case p2attr::kGroupDescription:
        st = setBasic(kPhase, a, seen, out.group);
        break;
      case p2attr::kEncapsulationMode:
        st = setBasic(kPhase, a, seen, out.encapsulation);
        break;
      case p2attr::kAuthAlgorithm:
        st = setBasic(kPhase, a, seen, out.auth_algorithm);
        break;
      case p2attr::kKeyLength:
        st = setBasic(kPhase, a, seen, out.key_length);
        break;
      case p2attr::kEsn:
        st = setBasic(kPhase, a, seen, esn);
        if (st && esn != 1) {
          return attrError(kPhase, "ESN attribute value " + std::to_string(esn));
        }
        break;
      default:
        // Key rounds, compression, ECN tunnel and private types.
        return attrError(kPhase, "unsupported attribute " + std::to_string(a.type));
    }
    if (!st) {
      return st.error();
    }
  }
  if (auto st = life.finish(); !st) {
    return st.error();
  }
  out.esn = esn == 1;
  return out;
}

Transform makePhase1Transform(uint8_t number, const Phase1Attributes& a) {
  Transform t{number, transform_id::kKeyIke, {}};
  // The order strongSwan and libreswan send: cipher, key length, hash, auth, group, life.
  appendIfSet(t.attributes, p1attr::kEncryption, a.encryption);
  appendIfSet(t.attributes, p1attr::kKeyLength, a.key_length);
  appendIfSet(t.attributes, p1attr::kHash, a.hash);
  appendIfSet(t.attributes, p1attr::kAuthMethod, a.auth_method);
  appendIfSet(t.attributes, p1attr::kGroupDescription, a.group);
  appendLife(t.attributes, p1attr::kLifeType, p1attr::kLifeDuration, a.life);
  return t;
}

Transform makePhase2Transform(uint8_t number, uint8_t transform_id, const Phase2Attributes& a) {
  Transform t{number, transform_id, {}};
  appendLife(t.attributes, p2attr::kLifeType, p2attr::kLifeDuration, a.life);
  appendIfSet(t.attributes, p2attr::kGroupDescription, a.group);
  appendIfSet(t.attributes, p2attr::kEncapsulationMode, a.encapsulation);
  appendIfSet(t.attributes, p2attr::kAuthAlgorithm, a.auth_algorithm);
  appendIfSet(t.attributes, p2attr::kKeyLength, a.key_length);
  if (a.esn) {
    t.attributes.push_back(Attribute::tv(p2attr::kEsn, 1));
  }
  return t;
}

Result<std::vector<Attribute>> decodeAttributeList(ByteView data) {
  ByteReader r(data);
  return detail::decodeAttributes(r, "attribute list");
}

Bytes encodeAttributeList(const std::vector<Attribute>& attributes) {
  ByteWriter out;
  for (const auto& a : attributes) {
    detail::encodeAttribute(a, out);
  }
  return out.take();
}

Result<Lifetime> parseResponderLifetime(ByteView notify_data, bool phase1) {
  constexpr const char* kWhat = "RESPONDER-LIFETIME";
  auto attributes = decodeAttributeList(notify_data);
  if (!attributes) {
    return attributes.error();
  }
  const uint16_t type_attr = phase1 ? p1attr::kLifeType : p2attr::kLifeType;
  const uint16_t duration_attr = phase1 ? p1attr::kLifeDuration : p2attr::kLifeDuration;
  Lifetime out;
  LifeParser life(kWhat);
  for (const auto& a : *attributes) {
    Status st;
    if (a.type == type_attr) {
      st = life.type(a);
    } else if (a.type == duration_attr) {
      st = life.duration(a, out);
    } else {
      return attrError(kWhat, "unexpected attribute " + std::to_string(a.type));
    }
    if (!st) {
      return st.error();
    }
  }
  if (auto st = life.finish(); !st) {
    return st.error();
  }
  return out;
}

Bytes makeResponderLifetime(const Lifetime& life, bool phase1) {
  std::vector<Attribute> attributes;
  appendLife(attributes, phase1 ? p1attr::kLifeType : p2attr::kLifeType,
             phase1 ? p1attr::kLifeDuration : p2attr::kLifeDuration, life);
  return encodeAttributeList(attributes);
}

bool isUdpEncapsulated(uint16_t encapsulation) {
  return encapsulation == encap::kUdpTunnel || encapsulation == encap::kUdpTransport ||
         encapsulation == encap::kUdpTunnelDraft || encapsulation == encap::kUdpTransportDraft;
}

bool isTunnelMode(uint16_t encapsulation) {
  return encapsulation == encap::kTunnel || encapsulation == encap::kUdpTunnel ||
         encapsulation == encap::kUdpTunnelDraft;
}

}  // namespace vpngw::wire::v1
