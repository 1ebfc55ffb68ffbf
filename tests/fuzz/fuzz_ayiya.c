/* libFuzzer: AYIYA datagrams on UDP 5072. Inputs starting with 'S' get a
 * valid header and signature for tunnel 2 (clock in the window), so the
 * forwarding path behind the authentication is reached too. */
#include "fuzz_common.h"

#include <arpa/inet.h>

#include "ayiya.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_setup();
	size_t n = size > 4096 ? 4096 : size;
	uint8_t *p = fuzz_packet(data, n);
	struct in6_addr src, dst;
	inet_pton(AF_INET6, "::ffff:10.0.0.77", &src);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", &dst);
	fuzz_ctx.now++; /* every input is newer: no replay refusals */
	if (n >= AYIYA_HDR && data[0] == 'S') {
		static const uint8_t hdr[8] = { 0x41, 0x52, 0x11, 41 };
		memcpy(p, hdr, 4);
		p[4] = (uint8_t)(fuzz_ctx.now >> 24);
		p[5] = (uint8_t)(fuzz_ctx.now >> 16);
		p[6] = (uint8_t)(fuzz_ctx.now >> 8);
		p[7] = (uint8_t)fuzz_ctx.now;
		inet_pton(AF_INET6, "2001:db8:2ff:2::2", p + 8);
		struct tunnel_cfg t;
		tunnel_get(2, &t);
		ayiya_signature(fuzz_ctx.md, t.ayiya_sha1, p, p + AYIYA_HDR, n - AYIYA_HDR, p + 24);
	}
	ayiya_input(&fuzz_ctx, p, n, &src, 40000, &dst, AYIYA_PORT);
	return 0;
}
