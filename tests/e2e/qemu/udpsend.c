/* udpsend HOST PORT: standard input as one UDP datagram (busybox nc has no
 * UDP mode). Built static into the guest's initramfs by build.sh. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char buf[1024];
	size_t n = 0;
	ssize_t r;
	struct sockaddr_in to = { .sin_family = AF_INET };
	if (argc != 3 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1) {
		fprintf(stderr, "usage: udpsend IPv4 PORT < datagram\n");
		return 2;
	}
	to.sin_port = htons((unsigned short)atoi(argv[2]));
	while (n < sizeof(buf) && (r = read(0, buf + n, sizeof(buf) - n)) > 0)
		n += (size_t)r;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || sendto(fd, buf, n, 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
		perror("udpsend");
		return 1;
	}
	return 0;
}
