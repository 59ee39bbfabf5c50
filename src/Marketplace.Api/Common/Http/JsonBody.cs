using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation;
using FluentValidation.Results;
using Marketplace.Api.Common.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Marketplace.Api.Common.Http;

public enum BodyMode
{
    /// application/json, required.
    Json,
    /// application/merge-patch+json or application/json (api.md: the same for PATCH).
    MergePatch,
    /// application/json when present; an empty body reads as `{}`.
    OptionalJson,
}

/// A request body that is read and bound inside the mediator pipeline, so that api.md's check
/// order holds: authorization (404/403) before the content type and size (415/413), before
/// idempotency, before the body's own validity (400).
public interface IJsonBody
{
    bool IsRead { get; }
    ReadOnlyMemory<byte> Bytes { get; }
    ValueTask ReadAsync(CancellationToken ct);

    /// Parses the JSON text (400 when it is not a JSON object) and answers its top-level names.
    IReadOnlyCollection<string> Parse();

    /// Binds the parsed object to the body type and runs its validators (400).
    void Bind(IServiceProvider services);
}

/// Messages that carry a JSON body implement this; the pipeline reads and binds it.
public interface IHasBody
{
    IJsonBody Body { get; }
}

/// A body whose fields need permissions of their own (api.md step 3: "patching a field that
/// only another role may change" is 403). Checked once the body parses, before it is validated.
public interface IHasFieldPermissions
{
    void AuthorizeFields(IReadOnlyCollection<string> names, Auth.Caller caller);
}

public sealed class JsonBody<T> : IJsonBody where T : class
{
    public const int MaxBytes = 1 << 20; // api.md: JSON request bodies up to 1 MiB

    // api.md: read-only fields get their own message; every other unknown name is "unknown".
    private static readonly HashSet<string> ReadOnlyNames =
    [
        "id", "ownerId", "status", "award", "cancelReason", "createdAt", "updatedAt", "submittedAt",
        "needId", "supplierId", "companyId", "key",
    ];

    private static readonly ConcurrentDictionary<Type, HashSet<string>> Writable = new();

    private readonly HttpRequest? _request;
    private readonly BodyMode _mode;
    private byte[]? _bytes;
    private T? _value;
    private JsonDocument? _document;
    private List<string>? _names;

    private JsonBody(HttpRequest? request, BodyMode mode)
    {
        _request = request;
        _mode = mode;
    }

    public static JsonBody<T> From(HttpContext http, BodyMode mode = BodyMode.Json) => new(http.Request, mode);

    /// A body given as a value (start-up seeding, tests through the mediator).
    public static JsonBody<T> Of(T value) => new(null, BodyMode.Json)
    {
        _bytes = JsonSerializer.SerializeToUtf8Bytes(value, JsonSettings.Options),
    };

    public T Value => _value ?? throw new InvalidOperationException("The body is read by the pipeline before the handler runs.");
    public bool IsRead => _bytes is not null;
    public ReadOnlyMemory<byte> Bytes => _bytes ?? throw new InvalidOperationException("The body has not been read.");

    public async ValueTask ReadAsync(CancellationToken ct)
    {
        if (_bytes is not null || _request is null) return;
        var canHaveBody = _request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (_mode == BodyMode.OptionalJson && (!canHaveBody || _request.ContentLength == 0))
        {
            _bytes = "{}"u8.ToArray();
            return;
        }
        CheckContentType();
        if (_request.ContentLength > MaxBytes) throw ApiException.TooLarge(MaxBytes);
        _bytes = await ReadLimitedAsync(_request.Body, MaxBytes, ct);
    }

    public IReadOnlyCollection<string> Parse()
    {
        if (_names is not null) return _names;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Bytes, new JsonDocumentOptions
            {
                MaxDepth = JsonSettings.MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow,
            });
        }
        catch (JsonException e)
        {
            throw Invalid("$", $"The body is not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')}).");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw Invalid("$", "The body must be a JSON object.");
        }
        _document = document;
        _names = document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        return _names;
    }

    public void Bind(IServiceProvider services)
    {
        if (_value is not null) return;
        Parse();
        using (var document = _document!)
        {
            _document = null;
            var root = document.RootElement;
            CheckPropertyNames(root);
            try
            {
                _value = root.Deserialize<T>(JsonSettings.Options) ?? throw Invalid("$", "The body must be a JSON object.");
            }
            catch (JsonException e)
            {
                var path = e.Path is { Length: > 1 } p ? p.TrimStart('$').TrimStart('.') : "$";
                var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                    ? "Unknown property."
                    : e.InnerException is null && !e.Message.StartsWith("The JSON value", StringComparison.Ordinal)
                        ? e.Message.Split(" Path:")[0]
                        : "The value has the wrong type or format.";
                throw Invalid(path, message);
            }
        }

        var failures = services.GetServices<IValidator<T>>()
            .SelectMany(v => v.Validate(_value).Errors)
            .ToList();
        if (failures.Count > 0) throw new ValidationException(failures);
    }

    private void CheckPropertyNames(JsonElement root)
    {
        var writable = Writable.GetOrAdd(typeof(T), WritableNames);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<ValidationFailure>();
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                failures.Add(new ValidationFailure(property.Name, "The property appears more than once."));
            else if (!writable.Contains(property.Name))
                failures.Add(new ValidationFailure(property.Name, ReadOnlyNames.Contains(property.Name)
                    ? $"'{property.Name}' is read-only."
                    : $"Unknown property '{property.Name}'."));
        }
        if (failures.Count > 0) throw new ValidationException(failures);
    }

    private static HashSet<string> WritableNames(Type type) => type
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
        .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name))
        .ToHashSet(StringComparer.Ordinal);

    private void CheckContentType()
    {
        var accepted = _mode == BodyMode.MergePatch ? "application/merge-patch+json or application/json" : "application/json";
        if (!MediaTypeHeaderValue.TryParse(_request!.ContentType, out var media)) throw ApiException.UnsupportedMediaType(accepted);
        var type = media.MediaType.Value?.ToLowerInvariant();
        var ok = type == "application/json" || (_mode == BodyMode.MergePatch && type == "application/merge-patch+json");
        var charset = media.Charset.Value;
        if (!ok || (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase)))
            throw ApiException.UnsupportedMediaType(accepted);
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, int limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw ApiException.TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static ValidationException Invalid(string field, string message) =>
        new([new ValidationFailure(field, message)]);
}
