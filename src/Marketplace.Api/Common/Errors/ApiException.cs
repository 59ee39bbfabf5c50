namespace Marketplace.Api.Common.Errors;

/// An answer other than success decided before or instead of a domain rule: 401, 403, 404,
/// 412, 413, 415, 428 and conflicts found by the application layer.
public sealed class ApiException(int status, string code, string detail, IDictionary<string, string[]>? errors = null)
    : Exception(detail)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    public static ApiException Unauthenticated(string detail = "A valid API key is required (Authorization: Bearer <key>).") =>
        new(401, ErrorCodes.Unauthenticated, detail);

    public static ApiException NotFound(string what = "resource") =>
        new(404, ErrorCodes.NotFound, $"The {what} does not exist or is not visible to this key.");

    public static ApiException Forbidden(string code, string detail) => new(403, code, detail);

    public static ApiException AdminOnly() => Forbidden(ErrorCodes.AdminOnly, "Only an admin key may do this.");

    public static ApiException UnsupportedMediaType(string accepted) =>
        new(415, ErrorCodes.UnsupportedMediaType, $"Content-Type must be {accepted}.");

    public static ApiException TooLarge(long limit) =>
        new(413, ErrorCodes.BodyTooLarge, $"The request body is larger than {limit} bytes.");

    public static ApiException Conflict(string code, string detail, string? field = null) =>
        new(409, code, detail, field is null ? null : new Dictionary<string, string[]> { [field] = [detail] });

    public static ApiException PreconditionRequired() =>
        new(428, ErrorCodes.PreconditionRequired, "Send If-Match with the ETag of the version you changed.");

    public static ApiException PreconditionFailed() =>
        new(412, ErrorCodes.PreconditionFailed, "The resource changed since that ETag was issued.");
}
