using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Net.Http;

namespace OneClickMlflow.Tests;

/// <summary>
/// Records every host this process asks for while it lives: the URL of each HttpClient request (the runtime's
/// HttpHandlerDiagnosticListener) and each name looked up in DNS (the System.Net.NameResolution event source), so
/// a test sees a real Google host being contacted even when the lookup fails offline.
/// </summary>
internal sealed class HostRecorder : IDisposable, IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly ConcurrentQueue<string> hosts = new();
    private readonly List<IDisposable> subscriptions = new();
    private readonly DnsLookups dns;

    public HostRecorder()
    {
        dns = new DnsLookups(hosts);
        subscriptions.Add(DiagnosticListener.AllListeners.Subscribe(this));
    }

    /// <summary>Every host asked for so far (request hosts and DNS names), in order.</summary>
    public IReadOnlyList<string> Hosts => hosts.ToList();

    void IObserver<DiagnosticListener>.OnNext(DiagnosticListener listener)
    {
        if (listener.Name == "HttpHandlerDiagnosticListener")
        {
            lock (subscriptions)
            {
                subscriptions.Add(listener.Subscribe(this));
            }
        }
    }

    void IObserver<KeyValuePair<string, object?>>.OnNext(KeyValuePair<string, object?> value)
    {
        // Start events carry the HttpRequestMessage as their "Request" property.
        if (value.Value?.GetType().GetProperty("Request")?.GetValue(value.Value) is HttpRequestMessage { RequestUri: { } uri })
        {
            hosts.Enqueue(uri.Host);
        }
    }

    void IObserver<DiagnosticListener>.OnCompleted() { }
    void IObserver<DiagnosticListener>.OnError(Exception error) { }
    void IObserver<KeyValuePair<string, object?>>.OnCompleted() { }
    void IObserver<KeyValuePair<string, object?>>.OnError(Exception error) { }

    public void Dispose()
    {
        lock (subscriptions)
        {
            foreach (var subscription in subscriptions)
            {
                subscription.Dispose();
            }
        }
        dns.Dispose();
    }

    private sealed class DnsLookups : EventListener
    {
        private readonly ConcurrentQueue<string>? names;

        public DnsLookups(ConcurrentQueue<string> names) => this.names = names;

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "System.Net.NameResolution")
            {
                EnableEvents(source, EventLevel.Informational);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            // Events can arrive while the base constructor runs, before the queue is set.
            if (e.EventName == "ResolutionStart" && e.Payload is { Count: > 0 } payload && payload[0] is string name)
            {
                names?.Enqueue(name);
            }
        }
    }
}
