#ifndef TLSFIT_COPENSSL_SHIMS_H
#define TLSFIT_COPENSSL_SHIMS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdint.h>

/* tlsfit needs OpenSSL 3 (providers, SSL_get1_peer_certificate, group names). */
#if OPENSSL_VERSION_NUMBER < 0x30000000L
#error "tlsfit needs OpenSSL 3.0 or later (apt-get install libssl-dev)"
#endif

/* What the message callback saw on the wire during one handshake. */
typedef struct tlsfit_trace {
    int received_alert;        /* last alert received, -1 when none */
    int received_alert_level;  /* 1 warning, 2 fatal */
    int sent_alert;            /* last alert sent, -1 when none */
    int sent_alert_level;
    int server_hello_seen;     /* 1 once a ServerHello was read */
    int server_hello_version;  /* legacy_version in the ServerHello */
    int server_selected_version; /* supported_versions extension, 0 when absent */
    int server_cipher;         /* cipher suite code point chosen in the ServerHello, -1 when none */
    int hello_retry_request;   /* 1 when the ServerHello was a HelloRetryRequest */
    int certificate_seen;      /* 1 once a Certificate message was read */
    int server_group;          /* IANA group id from the TLS 1.3 key_share or TLS 1.2 ServerKeyExchange, -1 when none */
    int server_dh_bits;        /* size of the DHE prime in a TLS 1.2 ServerKeyExchange, 0 when none */
    int server_hello_done;     /* 1 once the server's first flight ended (ServerHelloDone, or TLS 1.3 Finished) */
    long bytes_read;           /* handshake-layer bytes read (messages) */
    long warning_alerts;       /* warning-level alerts received */
    long hello_requests;       /* HelloRequest messages received (OpenSSL ignores them during a handshake) */
} tlsfit_trace;

/* Limits on one connection, checked before every read from the socket: OpenSSL keeps reading
   inside SSL_connect as long as bytes arrive, so a poll(2) between calls is not enough. */
typedef struct tlsfit_guard {
    uint64_t deadline_ns;      /* CLOCK_MONOTONIC nanoseconds; reads fail once it has passed */
    long max_bytes;            /* raw bytes the peer may send during the handshake */
    long max_noise;            /* warning alerts, and HelloRequests, each */
    const tlsfit_trace *trace; /* for the alert and HelloRequest counts */
    long bytes_in;             /* raw bytes read so far */
    int stop_reason;           /* 0 none, 1 deadline, 2 byte budget, 3 alert/HelloRequest budget */
} tlsfit_guard;

/* `timeout_ms` from now on CLOCK_MONOTONIC. */
void tlsfit_guard_init(tlsfit_guard *guard, const tlsfit_trace *trace, long timeout_ms, long max_bytes, long max_noise);
/* A socket BIO (BIO_NOCLOSE) whose every read first checks `guard` (owned by the caller, must outlive the BIO). */
BIO *tlsfit_guarded_socket_bio(int fd, tlsfit_guard *guard);


void tlsfit_trace_reset(tlsfit_trace *trace);
/* Install a message callback that fills `trace` (owned by the caller, must outlive the SSL). */
void tlsfit_ssl_set_trace(SSL *ssl, tlsfit_trace *trace);

long tlsfit_ssl_set_tlsext_host_name(SSL *ssl, const char *name);
long tlsfit_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int version);
long tlsfit_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int version);
long tlsfit_ssl_ctx_set1_groups_list(SSL_CTX *ctx, const char *list);
long tlsfit_ssl_ctx_set1_sigalgs_list(SSL_CTX *ctx, const char *list);
long tlsfit_ssl_set1_groups_list(SSL *ssl, const char *list);
long tlsfit_ssl_get_negotiated_group(SSL *ssl);
/* The server's ephemeral key (client side): caller frees with EVP_PKEY_free. */
EVP_PKEY *tlsfit_ssl_get_peer_tmp_key(SSL *ssl);
long tlsfit_ssl_ctx_set_tmp_dh_auto(SSL_CTX *ctx, long on);
long tlsfit_ssl_ctx_add_extra_chain_cert(SSL_CTX *ctx, X509 *cert);
long tlsfit_ssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long mode);

uint64_t tlsfit_ssl_op_cipher_server_preference(void);
uint64_t tlsfit_ssl_op_no_ticket(void);
uint64_t tlsfit_ssl_op_legacy_server_connect(void);
uint64_t tlsfit_ssl_op_ignore_unexpected_eof(void);
uint64_t tlsfit_ssl_op_no_compression(void);
uint64_t tlsfit_ssl_op_no_renegotiation(void);
uint64_t tlsfit_ssl_op_allow_unsafe_legacy_renegotiation(void);

/* RFC 2253 names with UTF-8 kept as UTF-8 (not escaped). */
unsigned long tlsfit_xn_flags_rfc2253_utf8(void);

int tlsfit_err_get_lib(unsigned long e);
int tlsfit_err_get_reason(unsigned long e);

#endif
