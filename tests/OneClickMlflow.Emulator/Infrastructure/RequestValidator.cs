using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>
/// Checks a JSON request body against a <see cref="MessageSchema"/> the way Google's front end does, raising
/// the same 400 INVALID_ARGUMENT messages: unknown names, values of the wrong type, missing required fields.
/// </summary>
public static class RequestValidator
{
    public static JsonObject Parse(string body, MessageSchema schema)
    {
        JsonNode? node;
        try
        {
            node = string.IsNullOrWhiteSpace(body)
                ? new JsonObject()
                : JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false });
        }
        catch (JsonException)
        {
            throw GoogleApiError.InvalidArgument(
                "Invalid JSON payload received. Unexpected token.",
                field: "",
                description: "Invalid JSON payload received. Unexpected token.");
        }
        if (node is not JsonObject obj)
        {
            throw GoogleApiError.InvalidArgument(
                $"Invalid JSON payload received. Unknown name \"\": Root element must be a message.",
                field: "",
                description: "Root element must be a message.");
        }
        ValidateMessage(obj, schema, path: "");
        return obj;
    }

    private static void ValidateMessage(JsonObject obj, MessageSchema schema, string path)
    {
        foreach (var (name, value) in obj)
        {
            var field = schema.Find(name);
            if (field is null)
            {
                var at = path.Length == 0 ? "" : $" at '{path}'";
                var message = $"Invalid JSON payload received. Unknown name \"{name}\"{at}: Cannot find field.";
                throw GoogleApiError.InvalidArgument(message, field: path, description: message);
            }
            var fieldPath = path.Length == 0 ? field.ProtoName : $"{path}.{field.ProtoName}";
            ValidateField(value, field, fieldPath);
        }
        foreach (var required in schema.Fields.Where(f => f.Required))
        {
            var present = obj.TryGetPropertyValue(required.JsonName, out var v) && v is not null
                || obj.TryGetPropertyValue(required.ProtoName, out v) && v is not null;
            if (!present)
            {
                var fieldPath = path.Length == 0 ? required.ProtoName : $"{path}.{required.ProtoName}";
                throw GoogleApiError.InvalidArgument(
                    $"Invalid request: required field '{fieldPath}' is missing.",
                    field: fieldPath,
                    description: "Required field is missing.");
            }
        }
    }

    private static void ValidateField(JsonNode? value, FieldSchema field, string path)
    {
        if (value is null)
        {
            return; // proto3 JSON: null means the default value.
        }
        if (field.Repeated)
        {
            if (value is not JsonArray array)
            {
                throw InvalidValue(path, field, value);
            }
            for (var i = 0; i < array.Count; i++)
            {
                ValidateSingle(array[i], field, $"{path}[{i}]");
            }
            return;
        }
        ValidateSingle(value, field, path);
    }

    private static void ValidateSingle(JsonNode? value, FieldSchema field, string path)
    {
        if (value is null)
        {
            return;
        }
        switch (field.Type)
        {
            case FieldType.AnyJson:
                return;
            case FieldType.Message:
                if (value is not JsonObject nested)
                {
                    throw InvalidValue(path, field, value);
                }
                ValidateMessage(nested, field.Message!, path);
                return;
            case FieldType.Map:
                if (value is not JsonObject map)
                {
                    throw InvalidValue(path, field, value);
                }
                foreach (var (key, entry) in map)
                {
                    ValidateSingle(entry, field.MapValue!, $"{path}[{key}]");
                }
                return;
            default:
                if (!IsValidScalar(value, field))
                {
                    throw InvalidValue(path, field, value);
                }
                return;
        }
    }

    private static bool IsValidScalar(JsonNode value, FieldSchema field)
    {
        if (value is not JsonValue scalar)
        {
            return false;
        }
        var kind = scalar.GetValueKind();
        switch (field.Type)
        {
            case FieldType.String:
                return kind == JsonValueKind.String;
            case FieldType.Bytes:
                return kind == JsonValueKind.String && IsBase64(scalar.GetValue<string>());
            case FieldType.Bool:
                return kind is JsonValueKind.True or JsonValueKind.False;
            case FieldType.Double:
                return kind == JsonValueKind.Number
                    || kind == JsonValueKind.String && double.TryParse(scalar.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            case FieldType.Int32:
                return IsInteger(scalar, kind, int.MinValue, int.MaxValue);
            case FieldType.Int64:
                return IsInteger(scalar, kind, long.MinValue, long.MaxValue);
            case FieldType.UInt64:
                return IsInteger(scalar, kind, 0, long.MaxValue);
            case FieldType.Enum:
                if (kind == JsonValueKind.String)
                {
                    return field.EnumValues!.Contains(scalar.GetValue<string>());
                }
                return kind == JsonValueKind.Number && scalar.TryGetValue<int>(out var ordinal)
                    && ordinal >= 0 && ordinal < field.EnumValues!.Count;
            default:
                return false;
        }
    }

    private static bool IsInteger(JsonValue scalar, JsonValueKind kind, long min, long max)
    {
        decimal number;
        if (kind == JsonValueKind.Number)
        {
            if (!scalar.TryGetValue(out number))
            {
                return false;
            }
        }
        else if (kind != JsonValueKind.String
            || !decimal.TryParse(scalar.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }
        return number == decimal.Truncate(number) && number >= min && number <= max;
    }

    private static bool IsBase64(string text)
    {
        var normalized = text.Replace('-', '+').Replace('_', '/');
        var padded = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4) % 4, '=');
        return Convert.TryFromBase64String(padded, new byte[padded.Length], out _);
    }

    private static GoogleApiError InvalidValue(string path, FieldSchema field, JsonNode value)
    {
        var typeName = field.Type switch
        {
            FieldType.Enum => $"type.googleapis.com/{field.EnumTypeName}",
            FieldType.Message => $"type.googleapis.com/{field.Message!.FullName}",
            FieldType.Map => "TYPE_MESSAGE",
            _ => "TYPE_" + field.Type.ToString().ToUpperInvariant(),
        };
        var shown = value is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? $"\"{v.GetValue<string>()}\""
            : value.ToJsonString();
        if (value is JsonArray && !field.Repeated)
        {
            var message = "Invalid JSON payload received. Proto field is not repeating, cannot start list.";
            return GoogleApiError.InvalidArgument(message, field: path, description: message);
        }
        var text = $"Invalid value at '{path}' ({typeName}), {shown}";
        return GoogleApiError.InvalidArgument(text, field: path, description: text);
    }
}
