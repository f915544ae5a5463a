using System;
using System.Globalization;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Recording;

/// <summary>
/// One request the emulator answered, with both bodies, kept when <see cref="EmulatorOptions.RecordExchanges"/> is
/// on. Bodies are the JSON text as sent (secret values replaced, see <see cref="SecretRedaction"/>); a body that is
/// not JSON (a form, an upload, a registry blob) is not kept, only its content type and length.
/// </summary>
public sealed record Exchange(
    long Sequence,
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string Api,
    string? RequestContentType,
    long RequestLength,
    string? RequestBody,
    int Status,
    string? ResponseContentType,
    long ResponseLength,
    string? ResponseBody)
{
    /// <summary>The form the admin surface serves and the conformance checker reads.</summary>
    public JsonObject ToJson() => new()
    {
        ["sequence"] = Sequence,
        ["time"] = Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["method"] = Method,
        ["path"] = Path,
        ["query"] = Query,
        ["api"] = Api,
        ["requestContentType"] = RequestContentType,
        ["requestLength"] = RequestLength,
        ["requestBody"] = RequestBody,
        ["status"] = Status,
        ["responseContentType"] = ResponseContentType,
        ["responseLength"] = ResponseLength,
        ["responseBody"] = ResponseBody,
    };
}
