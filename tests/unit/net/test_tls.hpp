#pragma once
// Test certificates made with the OpenSSL 3 C API at run time, so no key material is
// committed and nothing expires in the repository.
#include <filesystem>
#include <string>

namespace tutorbot::net::test {

struct pem_credentials {
  std::string certificate;  // PEM
  std::string private_key;  // PEM, unencrypted
};

struct test_pki {
  pem_credentials ca;           // self-signed, CA:TRUE
  pem_credentials localhost;    // DNS:localhost, IP:127.0.0.1, signed by ca
  pem_credentials wrong_host;   // DNS:wrong.example only, signed by ca
  pem_credentials expired;      // like localhost, notAfter yesterday
  pem_credentials self_signed;  // DNS:localhost, IP:127.0.0.1, signed by itself (untrusted)
  std::filesystem::path ca_file;  // ca.certificate written to a temp file, removed at exit
};

// Generated on first use, then read-only for the rest of the process.
const test_pki& pki();

}  // namespace tutorbot::net::test
