/* nl: rtnetlink route requests. */
#include "nl.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct req {
	struct nlmsghdr n;
	struct rtmsg r;
	char attrs[128];
};

static void attr(struct req *q, unsigned short type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)(void *)((char *)q + NLMSG_ALIGN(q->n.nlmsg_len));
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->n.nlmsg_len = NLMSG_ALIGN(q->n.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int nl_route6(int ifindex, const struct in6_addr *prefix, unsigned len, const struct in6_addr *gw)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	struct req q;
	memset(&q, 0, sizeof(q));
	q.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	q.n.nlmsg_type = RTM_NEWROUTE;
	q.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	q.n.nlmsg_seq = 1;
	q.r.rtm_family = AF_INET6;
	q.r.rtm_dst_len = (unsigned char)len;
	q.r.rtm_table = RT_TABLE_MAIN;
	q.r.rtm_protocol = RTPROT_STATIC;
	q.r.rtm_scope = RT_SCOPE_UNIVERSE;
	q.r.rtm_type = RTN_UNICAST;
	attr(&q, RTA_DST, prefix, 16);
	attr(&q, RTA_OIF, &ifindex, sizeof(ifindex));
	if (gw)
		attr(&q, RTA_GATEWAY, gw, 16);

	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int rc = 0;
	if (sendto(fd, &q, q.n.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
	} else {
		char buf[512];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)(void *)buf;
		if (n < 0)
			rc = -errno;
		else if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && h->nlmsg_type == NLMSG_ERROR)
			rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	}
	close(fd);
	return rc;
}
