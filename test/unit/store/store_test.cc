#include "store/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <set>

#include "store/secrets.h"
#include "unit/engine/temp_dir.h"

namespace vpngw::store {
namespace {

using engine::testing::TempDir;

unsigned fileMode(const std::filesystem::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::unique_ptr<Store> openStore(const TempDir& dir) {
  auto s = Store::open(dir.path());
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return s.ok() ? std::move(s.value()) : nullptr;
}

Tenant makeTenant(const std::string& name, const std::string& token) {
  return Tenant{newTenantId(), name, hashToken(token), 1000};
}

Resource makeResource(const Tenant& t, Kind kind, const std::string& name) {
  Resource r;
  r.id = newResourceId(kind);
  r.tenant_id = t.id;
  r.kind = kind;
  r.name = name;
  r.remark = "remark of " + name;
  r.doc = {{"ip", "198.18.1.2"}};
  r.created_ms = r.updated_ms = 42;
  return r;
}

Change insert(Resource r) { return Change{Change::Op::Insert, std::move(r)}; }

TEST(Store, CreatesDatabaseWithMode0600InWalMode) {
  TempDir dir;
  auto store = openStore(dir);
  ASSERT_TRUE(store);
  Tenant t = makeTenant("acme", "token-1");
  ASSERT_TRUE(store->insertTenant(t).ok());
  EXPECT_EQ(fileMode(Store::dbPath(dir.path())), 0600u);
  // WAL journal: the write went to vpngw.db-wal, which SQLite creates with the same mode.
  auto wal = Store::dbPath(dir.path()).string() + "-wal";
  ASSERT_TRUE(std::filesystem::exists(wal));
  EXPECT_EQ(fileMode(wal), 0600u);
}

TEST(Store, TightensModeOfExistingFile) {
  TempDir dir;
  { std::ofstream(Store::dbPath(dir.path())); }
  ::chmod(Store::dbPath(dir.path()).c_str(), 0644);
  auto store = openStore(dir);
  ASSERT_TRUE(store);
  EXPECT_EQ(fileMode(Store::dbPath(dir.path())), 0600u);
}

TEST(Store, RefusesMissingStateDir) {
  TempDir dir;
  auto s = Store::open(dir.path() / "missing");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("cannot create"), std::string::npos);
}

TEST(Store, TenantsSurviveReopenAndTokensAreStoredHashed) {
  TempDir dir;
  const std::string token = newToken();
  Tenant t = makeTenant("acme", token);
  {
    auto store = openStore(dir);
    ASSERT_TRUE(store->insertTenant(t).ok());
    // A second tenant with the same name is refused.
    EXPECT_FALSE(store->insertTenant(makeTenant("acme", "other")).ok());
  }
  auto store = openStore(dir);
  auto tenants = store->loadTenants();
  ASSERT_TRUE(tenants.ok());
  ASSERT_EQ(tenants->size(), 1u);
  EXPECT_EQ((*tenants)[0].id, t.id);
  EXPECT_EQ((*tenants)[0].name, "acme");
  EXPECT_EQ((*tenants)[0].token_hash, hashToken(token));
  for (const char* suffix : {"", "-wal"}) {
    std::string bytes = readAll(Store::dbPath(dir.path()).string() + suffix);
    EXPECT_EQ(bytes.find(token), std::string::npos) << "token in clear in vpngw.db" << suffix;
  }
}

TEST(Store, CommitInsertUpdateRemoveSurvivesReopen) {
  TempDir dir;
  Tenant t = makeTenant("acme", "tok");
  Resource a = makeResource(t, Kind::CustomerGateway, "site-a");
  Resource b = makeResource(t, Kind::Vpc, "vpc-main");
  Resource c = makeResource(t, Kind::Tunnel, "t1");
  {
    auto store = openStore(dir);
    ASSERT_TRUE(store->insertTenant(t).ok());
    std::vector<Change> changes{insert(a), insert(b), insert(c)};
    ASSERT_TRUE(store->commit(changes).ok());
    EXPECT_LT(changes[0].resource.seq, changes[1].resource.seq);
    EXPECT_LT(changes[1].resource.seq, changes[2].resource.seq);

    Resource a2 = a;
    a2.name = "site-a2";
    a2.remark = "";
    a2.doc["ip"] = "0.0.0.0";
    a2.status = std::string(kStatusRunning);
    a2.updated_ms = 99;
    std::vector<Change> more{{Change::Op::Update, a2}, {Change::Op::Remove, b}};
    ASSERT_TRUE(store->commit(more).ok());
  }
  auto store = openStore(dir);
  auto all = store->loadResources();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  const Resource& ra = (*all)[0];
  EXPECT_EQ(ra.id, a.id);
  EXPECT_EQ(ra.tenant_id, t.id);
  EXPECT_EQ(ra.kind, Kind::CustomerGateway);
  EXPECT_EQ(ra.name, "site-a2");
  EXPECT_EQ(ra.remark, "");
  EXPECT_EQ(ra.doc, nlohmann::json({{"ip", "0.0.0.0"}}));
  EXPECT_EQ(ra.status, "running");
  EXPECT_EQ(ra.created_ms, 42);
  EXPECT_EQ(ra.updated_ms, 99);
  EXPECT_EQ((*all)[1].id, c.id);
  EXPECT_EQ((*all)[1].kind, Kind::Tunnel);
  EXPECT_EQ((*all)[1].status, "creating");
}

TEST(Store, CommitIsAllOrNothing) {
  TempDir dir;
  auto store = openStore(dir);
  Tenant t = makeTenant("acme", "tok");
  ASSERT_TRUE(store->insertTenant(t).ok());
  Resource first = makeResource(t, Kind::Gateway, "gw");
  std::vector<Change> seed{insert(first)};
  ASSERT_TRUE(store->commit(seed).ok());

  // The third change repeats a name within (tenant, kind): the two before it are undone.
  Resource renamed = first;
  renamed.name = "gw-renamed";
  std::vector<Change> bad{{Change::Op::Update, renamed},
                          insert(makeResource(t, Kind::Gateway, "gw-2")),
                          insert(makeResource(t, Kind::Gateway, "gw-2"))};
  EXPECT_FALSE(store->commit(bad).ok());
  // Updating or removing an id that does not exist fails the whole commit too.
  Resource ghost = makeResource(t, Kind::Tunnel, "ghost");
  std::vector<Change> missing{insert(makeResource(t, Kind::Tunnel, "t-ok")),
                              {Change::Op::Remove, ghost}};
  EXPECT_FALSE(store->commit(missing).ok());
  std::vector<Change> missing_update{{Change::Op::Update, ghost}};
  EXPECT_FALSE(store->commit(missing_update).ok());

  auto all = store->loadResources();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].name, "gw");
  // The store still works after the rollbacks.
  std::vector<Change> good{insert(makeResource(t, Kind::Gateway, "gw-2"))};
  EXPECT_TRUE(store->commit(good).ok());
}

TEST(Store, NamesAreUniquePerTenantAndKindOnly) {
  TempDir dir;
  auto store = openStore(dir);
  Tenant t1 = makeTenant("one", "tok-1");
  Tenant t2 = makeTenant("two", "tok-2");
  ASSERT_TRUE(store->insertTenant(t1).ok());
  ASSERT_TRUE(store->insertTenant(t2).ok());
  std::vector<Change> changes{insert(makeResource(t1, Kind::Gateway, "same")),
                              insert(makeResource(t1, Kind::Tunnel, "same")),
                              insert(makeResource(t2, Kind::Gateway, "same"))};
  EXPECT_TRUE(store->commit(changes).ok());
}

TEST(Store, TenantWithResourcesCannotBeRemoved) {
  TempDir dir;
  auto store = openStore(dir);
  Tenant t = makeTenant("acme", "tok");
  ASSERT_TRUE(store->insertTenant(t).ok());
  Resource r = makeResource(t, Kind::Vpc, "v");
  std::vector<Change> changes{insert(r)};
  ASSERT_TRUE(store->commit(changes).ok());
  EXPECT_FALSE(store->removeTenant(t.id).ok());
  std::vector<Change> remove{{Change::Op::Remove, r}};
  ASSERT_TRUE(store->commit(remove).ok());
  EXPECT_TRUE(store->removeTenant(t.id).ok());
  EXPECT_FALSE(store->removeTenant(t.id).ok());
  auto tenants = store->loadTenants();
  ASSERT_TRUE(tenants.ok());
  EXPECT_TRUE(tenants->empty());
}

TEST(Store, ResourceOfUnknownTenantIsRefused) {
  TempDir dir;
  auto store = openStore(dir);
  Tenant ghost = makeTenant("ghost", "tok");
  std::vector<Change> changes{insert(makeResource(ghost, Kind::Vpc, "v"))};
  EXPECT_FALSE(store->commit(changes).ok());
}

TEST(Secrets, IdsCarryTheKindPrefixAndRandomHex) {
  std::set<std::string> seen;
  for (Kind k : {Kind::Vpc, Kind::Gateway, Kind::CustomerGateway, Kind::Tunnel}) {
    std::string id = newResourceId(k);
    EXPECT_EQ(id.size(), 4u + 16u) << id;
    EXPECT_EQ(kindOfId(id), k);
    EXPECT_TRUE(looksLikeResourceId(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(newResourceId(Kind::Vpc).substr(0, 4), "vpc-");
  EXPECT_EQ(newResourceId(Kind::Gateway).substr(0, 4), "vgw-");
  EXPECT_EQ(newResourceId(Kind::CustomerGateway).substr(0, 4), "cgw-");
  EXPECT_EQ(newResourceId(Kind::Tunnel).substr(0, 4), "tun-");
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_FALSE(looksLikeResourceId("tun-12"));
  EXPECT_FALSE(looksLikeResourceId("tun-0123456789ABCDEF"));
  EXPECT_FALSE(looksLikeResourceId("xyz-0123456789abcdef"));
  EXPECT_TRUE(looksLikeResourceId("cgw-0123456789abcdef"));
}

TEST(Secrets, TokenHashIsSha256) {
  // FIPS 180-2 appendix B.1.
  EXPECT_EQ(toHex(hashToken("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string t1 = newToken();
  EXPECT_EQ(t1.size(), 64u);
  EXPECT_NE(t1, newToken());
}

TEST(Secrets, GeneratedPskHas32LettersAndDigits) {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    std::string psk = newPsk();
    ASSERT_EQ(psk.size(), 32u);
    for (char c : psk) {
      EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << psk;
    }
    seen.insert(psk);
  }
  EXPECT_EQ(seen.size(), 20u);
}

}  // namespace
}  // namespace vpngw::store
