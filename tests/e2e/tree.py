"""The command tree of spec 2.4 (without pproxy: deviation 5), and the
expected `help` / `fullhelp` / arity-error texts derived from it."""

SUB = object()
INF = -1

# context key -> list of (name, kind, min, max, options, description)
# description None = hidden from help.  Table order = listing order.
TREE = {
    'main': [
        ('cmd', SUB, 0, INF, '', 'Various Commands'),
        ('pop', SUB, 0, INF, '', 'PoP Commands'),
        ('subnet', SUB, 0, INF, '', 'Subnet Commands'),
        ('tunnel', SUB, 0, INF, '', 'Tunnel Commands'),
    ],
    'cmd': [
        ('exit', 'leaf', 0, INF, '', 'Exit'),
        ('quit', 'leaf', 0, INF, '', None),
    ],
    'pop': [
        ('cliacl', SUB, 0, INF, '', 'Manage CLI ACLs'),
        ('get', SUB, 0, INF, '', 'Get configuration Information'),
        ('set', SUB, 0, INF, '', 'Configure the PoP'),
        ('saveconfig', 'leaf', 0, 0, '', 'Save the configuration to disk'),
        ('show', SUB, 0, INF, '', 'Show how the PoP is configured'),
        ('shutdown', 'leaf', 0, INF, '', 'Shutdown'),
        ('subnetprefix', SUB, 0, INF, '', 'Manage subnetprefixes'),
        ('tunnelprefix', SUB, 0, INF, '', 'Manage tunnelprefixes'),
    ],
    'pop set': [
        ('debug', 'leaf', 2, 2, '<section> {on|off}', 'Enable or disable output from a program section'),
        ('id', 'leaf', 1, 1, '<id>', 'Configure the ID of this PoP'),
        ('details', 'leaf', 4, 4, '<id> <name> <ipv4> <ipv6>', 'Configure PoP details'),
        ('verbosity', 'leaf', 1, 1, '<level>', 'Change verbosity level'),
    ],
    'pop get': [
        ('id', 'leaf', 0, 0, '', 'Get PoP ID'),
        ('name', 'leaf', 0, 0, '', 'Get PoP name'),
    ],
    'pop show': [
        ('info', 'leaf', 0, 0, '', 'Show information'),
        ('hostinfo', 'leaf', 0, 0, '', 'Show host information'),
        ('metrics', 'leaf', 0, 1, '[tunnels]', 'Show metrics (Prometheus text format)'),
        ('pops', 'leaf', 0, 0, '', 'Show configured PoPs'),
        ('status', 'leaf', 0, 0, '', 'Show status'),
        ('threads', 'leaf', 0, 0, '', 'Show running threads'),
        ('timeinfo', 'leaf', 0, 0, '', 'Show time information'),
        ('unixtime', 'leaf', 0, 0, '', 'Show UNIX timestamp'),
        ('uptime', 'leaf', 0, 0, '', 'Show uptime of the PoP'),
        ('version', 'leaf', 0, 0, '', 'Show version information'),
    ],
    'pop cliacl': [
        ('add', 'leaf', 1, 1, '<prefix>', 'Add/Refresh CLI ACL'),
        ('list', 'leaf', 0, 0, '', 'List configured CLI ACLs'),
        ('remove', 'leaf', 1, 1, '<prefix>', 'Remove CLI ACL'),
        ('reset', 'leaf', 0, 0, '', 'Reset the CLI ACL (keeps current connection in ACL)'),
    ],
    'pop tunnelprefix': [
        ('add', 'leaf', 1, 1, '<prefix>', 'Add/Refresh Tunnel Prefix'),
        ('list', 'leaf', 0, 0, '', 'List configured Tunnel Prefixes'),
    ],
    'pop subnetprefix': [
        ('add', 'leaf', 1, 1, '<prefix>', 'Add/Refresh Subnet Prefix'),
        ('list', 'leaf', 0, 0, '', 'List configured Subnet Prefixes'),
    ],
    'subnet': [
        ('set', SUB, 0, INF, '', 'Set configuration information'),
    ],
    'subnet set': [
        ('config', 'leaf', 3, 3, '<prefix> <tunnel-id> <type>', 'Configure a subnet'),
    ],
    'tunnel': [
        ('get', SUB, 0, INF, '', 'Get configuration information'),
        ('set', SUB, 0, INF, '', 'Set configuration information'),
        ('show', 'leaf', 1, 1, '<tid>', 'Show the configuration of a single tunnel'),
        ('stats', 'leaf', 0, 1, '', 'Get stats for all tunnels'),
        ('list', 'leaf', 0, 1, '[{all|(debug|error)only|err=X}]', 'List a summary of the tunnels filtered by the given option'),
        ('reseterrors', 'leaf', 1, 1, '(all|<tid>)', 'Reset error counters for all or a specific tunnel'),
    ],
    'tunnel get': [
        ('outer_endpoint', 'leaf', 1, 1, '<tid>', 'Get the current outer endpoint'),
        ('errorpacket', 'leaf', 2, 2, '<tid> <error>', 'Show the last packet causing the error'),
    ],
    'tunnel set': [
        ('config', 'leaf', 5, 6, '<tid> <tunnel-id> <tunnel_them|ayiya|heartbeat> <up|disabled> <mtu> [<password>]', 'Configure a tunnel'),
        ('debug', 'leaf', 2, 2, '<tid> {on|off}', 'Enable/Disable debugging'),
        ('remote', 'leaf', 2, 2, '<tid> <ip>', 'Set the remote address'),
    ],
}

LABEL = {'cliacl': 'show', 'tunnelprefix': 'show', 'subnetprefix': 'show'}

HFMT = '%-24s%-22s%4s %s\n'
NFMT = '%-14s%-22s%4s %s\n'


def child(key, name):
    return name if key == 'main' else key + ' ' + name


def labels_of(key):
    if key == 'main':
        return []
    return [LABEL.get(w, w) for w in key.split()]


def path_of(labels):
    return 'main' + ''.join(' > ' + l for l in labels)


def entry_lines(key, fmt):
    out = []
    for name, kind, _mn, _mx, opts, desc in TREE[key]:
        if desc is None:
            continue
        out.append(fmt % (name, opts if kind is not SUB else '', '[>>]' if kind is SUB else '', desc))
    return out


def help_text(key):
    """Lines (with LF) of `help` in context key."""
    return entry_lines(key, HFMT) + [HFMT % ('help', '', '', 'Help topics')]


def help_reply(key):
    lines = help_text(key)
    return ('201 %d\n' % len(lines) + ''.join(lines) + '200 OK\n').encode()


def fullhelp_text(key):
    labels = labels_of(key)
    path = path_of(labels)
    hl = NFMT % ('help', '', '', 'Help topics')
    out = ['===============> %s\n' % path, hl] + entry_lines(key, NFMT) + [hl, '\n']
    for name, kind, _mn, _mx, _o, desc in TREE[key]:
        if kind is not SUB or desc is None:
            continue
        sub = child(key, name)
        out.append(">> %s (use '..' or 'end' to go up one level)\n" % path_of(labels_of(sub)))
        out += fullhelp_text(sub)
        out.append('<< %s\n' % path)
    out += ['<=============== %s\n' % path, '\n']
    return out


def fullhelp_reply(key):
    lines = fullhelp_text(key)
    return ('201 %d\n' % len(lines) + ''.join(lines) + '200 OK\n').encode()


def arity_msg(name, opts, mn, mx, given):
    return ("404 Command '%s' requires arguments: %s %s (min=%d, max=%d, given=%d)\n"
            % (name, name, opts, mn, mx, given)).encode()


def leaves():
    """(context key, name, min, max, options) of every leaf command."""
    for key, entries in TREE.items():
        for name, kind, mn, mx, opts, _d in entries:
            if kind is not SUB:
                yield key, name, mn, mx, opts


def contexts():
    return list(TREE.keys())
