#include "tests/unit/net/test_tls.hpp"

#include <fstream>
#include <memory>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdexcept>
#include <unistd.h>

namespace tutorbot::net::test {
namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;
constexpr long day = 24 * 60 * 60;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

key_ptr new_key() {
  key_ptr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(key != nullptr, "EC key generation");
  return key;
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, ctx, nid, value);
  check(ext != nullptr, "building an X509v3 extension");
  check(X509_add_ext(cert, ext, -1) == 1, "adding an X509v3 extension");
  X509_EXTENSION_free(ext);
}

struct cert_spec {
  const char* common_name;
  const char* subject_alt_names = nullptr;  // e.g. "DNS:localhost,IP:127.0.0.1"
  bool is_ca = false;
  long not_before = -day;  // seconds from now
  long not_after = 30 * day;
};

// issuer == nullptr: self-signed with `key`.
cert_ptr make_cert(const cert_spec& spec, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key) {
  static long serial = 1;
  cert_ptr cert(X509_new(), X509_free);
  check(cert != nullptr, "X509_new");
  X509* x = cert.get();
  check(X509_set_version(x, X509_VERSION_3) == 1, "X509_set_version");
  check(ASN1_INTEGER_set(X509_get_serialNumber(x), serial++) == 1, "setting the serial");
  check(X509_gmtime_adj(X509_getm_notBefore(x), spec.not_before) != nullptr, "notBefore");
  check(X509_gmtime_adj(X509_getm_notAfter(x), spec.not_after) != nullptr, "notAfter");
  check(X509_set_pubkey(x, key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(x);
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(spec.common_name), -1, -1, 0) == 1,
        "setting the CN");
  check(X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) == 1, "setting the issuer");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer ? issuer : x, x, nullptr, nullptr, 0);
  add_extension(x, &ctx, NID_basic_constraints, spec.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  add_extension(x, &ctx, NID_key_usage,
                spec.is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment");
  add_extension(x, &ctx, NID_subject_key_identifier, "hash");
  if (issuer) add_extension(x, &ctx, NID_authority_key_identifier, "keyid:always");
  if (!spec.is_ca) add_extension(x, &ctx, NID_ext_key_usage, "serverAuth");
  if (spec.subject_alt_names) add_extension(x, &ctx, NID_subject_alt_name, spec.subject_alt_names);

  check(X509_sign(x, issuer ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

template <class Write>
std::string to_pem(Write write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  check(bio != nullptr && write(bio.get()) == 1, "PEM encoding");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

pem_credentials to_credentials(X509* cert, EVP_PKEY* key) {
  return {to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert); }),
          to_pem([&](BIO* b) { return PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr); })};
}

pem_credentials leaf(const cert_spec& spec, X509* issuer, EVP_PKEY* issuer_key) {
  const key_ptr key = new_key();
  const cert_ptr cert = make_cert(spec, key.get(), issuer, issuer_key);
  return to_credentials(cert.get(), key.get());
}

struct owned_pki : test_pki {
  owned_pki() {
    const key_ptr ca_key = new_key();
    const cert_ptr ca_cert = make_cert({.common_name = "tutorbot test CA", .is_ca = true}, ca_key.get(), nullptr, nullptr);
    ca = to_credentials(ca_cert.get(), ca_key.get());
    localhost = leaf({.common_name = "localhost", .subject_alt_names = "DNS:localhost,IP:127.0.0.1"},
                     ca_cert.get(), ca_key.get());
    wrong_host = leaf({.common_name = "wrong.example", .subject_alt_names = "DNS:wrong.example"},
                      ca_cert.get(), ca_key.get());
    expired = leaf({.common_name = "localhost",
                    .subject_alt_names = "DNS:localhost,IP:127.0.0.1",
                    .not_before = -2 * day,
                    .not_after = -day},
                   ca_cert.get(), ca_key.get());
    self_signed = leaf({.common_name = "localhost", .subject_alt_names = "DNS:localhost,IP:127.0.0.1"},
                       nullptr, nullptr);

    ca_file = std::filesystem::temp_directory_path() /
              ("tutorbot-test-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream out(ca_file, std::ios::binary | std::ios::trunc);
    out << ca.certificate;
    check(static_cast<bool>(out.flush()), "writing the CA file");
  }
  ~owned_pki() {
    std::error_code ignored;
    std::filesystem::remove(ca_file, ignored);
  }
};

}  // namespace

const test_pki& pki() {
  static const owned_pki instance;
  return instance;
}

}  // namespace tutorbot::net::test
