using System;
using System.Net;

namespace OneClickMlflow.Proxy
{
    /// <summary>Where a tracking proxy listens and what it forwards to.</summary>
    public sealed class TrackingProxyOptions
    {
        public TrackingProxyOptions(Uri trackingUri, ProxyTokenSource tokens)
        {
            TrackingUri = trackingUri.AbsoluteUri.EndsWith("/", StringComparison.Ordinal) ? trackingUri : new Uri(trackingUri.AbsoluteUri + "/");
            Tokens = tokens;
        }

        /// <summary>The tracking server every request goes to (a path prefix is kept: local /x is {TrackingUri}x).</summary>
        public Uri TrackingUri { get; }

        public ProxyTokenSource Tokens { get; }

        /// <summary>127.0.0.1 unless given.</summary>
        public IPAddress ListenAddress { get; set; } = IPAddress.Loopback;

        /// <summary>0 picks a free port.</summary>
        public int Port { get; set; }

        /// <summary>
        /// Must be set to listen on an address other than loopback: whoever reaches such an address uses the tracking
        /// server with the proxy's identity.
        /// </summary>
        public bool AllowRemoteClients { get; set; }

        /// <summary>The deployment served, for display and for finding the proxy again.</summary>
        public string? ProjectId { get; set; }

        public string? DeploymentName { get; set; }

        public string? ServiceAccount { get; set; }

        /// <summary>What the proxy owns and releases when it stops (the session that signs its tokens).</summary>
        public IDisposable? Owned { get; set; }
    }
}
