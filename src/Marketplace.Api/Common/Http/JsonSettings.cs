using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Api.Common.Http;

/// One set of JSON rules for reading requests and writing answers: camelCase, no unknown or
/// duplicate properties, no numbers in strings, bounded depth, timestamps with an offset in and
/// UTC with `Z` out.
public static class JsonSettings
{
    public const int MaxDepth = 32;

    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        o.PropertyNameCaseInsensitive = false;
        o.NumberHandling = JsonNumberHandling.Strict;
        o.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        o.AllowDuplicateProperties = false;
        o.AllowTrailingCommas = false;
        o.ReadCommentHandling = JsonCommentHandling.Disallow;
        o.MaxDepth = MaxDepth;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        if (!o.Converters.OfType<UtcTimestampConverter>().Any()) o.Converters.Add(new UtcTimestampConverter());
        if (!o.Converters.OfType<OptionalConverterFactory>().Any()) o.Converters.Add(new OptionalConverterFactory());
        return o;
    }
}

/// api.md: timestamps carry an offset or `Z` (without one: 400) and are answered in UTC with `Z`.
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String) throw new JsonException("Expected an ISO 8601 timestamp string.");
        var s = reader.GetString()!;
        if (!HasOffset(s) || !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            || s.Length < 20 || s[10] is not ('T' or 't'))
            throw new JsonException("Expected an ISO 8601 timestamp with an offset or Z, e.g. 2026-01-31T12:00:00Z.");
        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture));

    private static bool HasOffset(string s) =>
        s.EndsWith('Z') || s.EndsWith('z')
        || (s.Length > 6 && s[^3] == ':' && s[^6] is '+' or '-');
}
