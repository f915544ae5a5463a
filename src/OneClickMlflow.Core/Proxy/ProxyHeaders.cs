using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Net.Http.Headers;

namespace OneClickMlflow.Proxy
{
    /// <summary>Which header fields cross the proxy: end-to-end ones do, hop-by-hop ones (RFC 9110 7.6.1) and credentials do not.</summary>
    internal static class ProxyHeaders
    {
        private static readonly HashSet<string> HopByHop = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
            "Transfer-Encoding", "Upgrade",
        };

        /// <summary>
        /// Set by the proxy itself or by HttpClient: the upstream host, the body's framing, the token (a client's own
        /// Authorization, such as a stale MLFLOW_TRACKING_TOKEN, is replaced) and 100-continue, which the proxy answers.
        /// </summary>
        private static readonly HashSet<string> SetByProxy = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Host", "Content-Length", "Authorization", "Expect",
        };

        private static readonly HashSet<string> ContentHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Location", "Content-MD5",
            "Content-Range", "Content-Type", "Expires", "Last-Modified",
        };

        public static bool IsHopByHop(string name, string? connectionHeader)
        {
            if (HopByHop.Contains(name))
            {
                return true;
            }
            if (connectionHeader == null)
            {
                return false;
            }
            foreach (var listed in connectionHeader.Split(','))
            {
                if (string.Equals(listed.Trim(), name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>Copies the client's end-to-end headers onto the upstream request (content headers onto its content).</summary>
        public static void CopyToUpstream(HttpRequestHead head, HttpRequestMessage request)
        {
            var connection = head.Header("Connection");
            foreach (var header in head.Headers)
            {
                if (IsHopByHop(header.Key, connection) || SetByProxy.Contains(header.Key))
                {
                    continue;
                }
                if (ContentHeaders.Contains(header.Key))
                {
                    request.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
                else
                {
                    request.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        /// <summary>The upstream answer's end-to-end headers, in order, for the client.</summary>
        public static IEnumerable<KeyValuePair<string, string>> FromUpstream(HttpResponseMessage response)
        {
            var connection = response.Headers.Connection.Count == 0 ? null : string.Join(",", response.Headers.Connection);
            foreach (var header in Merge(response.Headers, response.Content?.Headers))
            {
                if (IsHopByHop(header.Key, connection) || string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                foreach (var value in header.Value)
                {
                    yield return new KeyValuePair<string, string>(header.Key, value);
                }
            }
        }

        private static IEnumerable<KeyValuePair<string, IEnumerable<string>>> Merge(HttpHeaders first, HttpHeaders? second)
        {
            foreach (var header in first)
            {
                yield return header;
            }
            if (second != null)
            {
                foreach (var header in second)
                {
                    yield return header;
                }
            }
        }
    }
}
