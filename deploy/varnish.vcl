# Varnish in front of Newsroom's app servers: it keeps the pages they mark as cacheable (those
# naming their keys in Surrogate-Key) for as long as they say (s-maxage), and drops exactly
# the pages a change touched when an app server sends PURGE with the keys in an xkey header
# (newsroom/purges.py). Needs Varnish 7 and varnish-modules (xkey); see the README,
# "Production".
vcl 4.1;

import xkey;

# The app servers (more than one: a director, see Varnish's documentation).
backend default {
    .host = "127.0.0.1";
    .port = "8000";
}

# Who may purge: the app servers' addresses.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey) {
            return (synth(400, "Name the keys to purge in the xkey header"));
        }
        set req.http.x-purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.x-purged + " pages"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The desk, and anyone signed in, always reach the app servers.
    if (req.url ~ "^/admin/" || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # A reader's other cookies (analytics, consent) change nothing on a page, nor do campaign
    # tags in the address (the app drops them too): one copy of each page.
    unset req.http.Cookie;
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(?<=[?&])(utm_[a-z]+|fbclid|gclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }
    # Documents, sitemaps, feeds of the whole site and robots.txt read the same in every
    # language: one copy each, whatever language the browser asks for. (The addresses under
    # /zh-hans/ and /en/ name their language; "/" sends a reader to one, and is not kept.)
    if (req.url !~ "^/(zh-hans|en)/" && req.url != "/") {
        unset req.http.Accept-Language;
    }
    return (hash);
}

sub vcl_backend_response {
    # Only pages that name what they show can be purged when it changes: keep nothing else.
    if (!beresp.http.Surrogate-Key) {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    # A page is never served after it expires (a scheduled article comes due then).
    set beresp.grace = 0s;
}

sub vcl_deliver {
    # The keys are for this cache's purges: readers get the page without them, as from a CDN.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
