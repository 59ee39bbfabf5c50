using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Api.Common.Http;

/// A JSON Merge Patch member: absent (no change), null (restore the default, or 400 on a
/// required field) or a value.
public readonly record struct Optional<T>(bool IsSet, T? Value)
{
    public bool IsNull => IsSet && Value is null;
    public T? Or(T? current) => IsSet ? Value : current;
}

public sealed class OptionalConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type t) => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type t, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(t.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null) return new Optional<T>(true, default);
            try
            {
                return new Optional<T>(true, JsonSerializer.Deserialize<T>(ref reader, options));
            }
            catch (JsonException e) when (e.Path is not null)
            {
                // The nested call sets a path relative to this value ("$"), which the outer
                // serializer keeps as is. Without a path it fills in the property's ("$.name"),
                // so the 400 names the field at fault (api.md).
                throw new JsonException(e.Message.Split(" Path:")[0], e);
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
