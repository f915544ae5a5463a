using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests.Google;

/// <summary>The pipeline's innermost handler: answers each attempt with the next scripted answer and notes when it arrived.</summary>
internal sealed class AnsweringHandler : HttpMessageHandler
{
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> answers;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public AnsweringHandler(params Func<CancellationToken, Task<HttpResponseMessage>>[] answers) =>
        this.answers = new Queue<Func<CancellationToken, Task<HttpResponseMessage>>>(answers);

    public AnsweringHandler(params Func<HttpResponseMessage>[] answers)
        : this(Array.ConvertAll(answers, answer => (Func<CancellationToken, Task<HttpResponseMessage>>)(_ => Task.FromResult(answer()))))
    {
    }

    /// <summary>A request the pipeline sends through this handler: Service Usage's list of a project's services.</summary>
    public static readonly Uri Services = new("https://serviceusage.googleapis.com/v1/projects/proj-one/services");

    /// <summary>200 with a list of no services.</summary>
    public static HttpResponseMessage Ok() => new(System.Net.HttpStatusCode.OK) { Content = new StringContent("""{"services": []}""") };

    /// <summary>Time since the handler was made, at each attempt.</summary>
    public List<TimeSpan> Arrivals { get; } = new();

    /// <summary>An answer that never comes: the attempt waits until it is cancelled.</summary>
    public static async Task<HttpResponseMessage> Hang(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        lock (Arrivals)
        {
            Arrivals.Add(clock.Elapsed);
        }
        var answer = answers.Count > 1 ? answers.Dequeue() : answers.Peek(); // the last answer repeats
        return answer(cancellationToken);
    }
}
