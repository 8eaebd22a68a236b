// COpenSSL: the slice of OpenSSL 3's libcrypto that Notary uses.
// Only Notary imports this module. C macros that Swift cannot call are
// wrapped here as static inline functions.
#ifndef XUANYI_COPENSSL_SHIM_H
#define XUANYI_COPENSSL_SHIM_H

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/opensslv.h>

/// OPENSSL_free is a macro; expose it as a function.
static inline void xy_openssl_free(void *ptr) { OPENSSL_free(ptr); }

/// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long xy_bio_get_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

/// OPENSSL_VERSION_TEXT as a C string for diagnostics.
static inline const char *xy_openssl_version_text(void) { return OPENSSL_VERSION_TEXT; }

#endif
