namespace Marketplace.Api.Common.Errors;

/// The stable `code` of every problem answer; the list is published in the OpenAPI document.
public static class ErrorCodes
{
    public const string Unauthenticated = "auth.unauthenticated";
    public const string Forbidden = "auth.forbidden";
    public const string AdminOnly = "auth.admin_only";
    public const string CompanyInactive = "company.inactive";
    public const string RoleRequired = "company.role_required";
    public const string FieldForbidden = "company.field_forbidden";
    public const string TaxIdTaken = "company.tax_id_taken";
    public const string PartnerNotGranted = "partner.not_granted";
    public const string OnBehalfRequired = "partner.on_behalf_required";
    public const string PartnerForbidden = "partner.forbidden";
    public const string IdempotencyInProgress = "idempotency.in_progress";
    public const string IdempotencyKeyReused = "idempotency.key_reused";
    public const string IdempotencySecret = "idempotency.secret_not_replayable";
    public const string NotFound = "not_found";
    public const string UnsupportedMediaType = "request.unsupported_media_type";
    public const string BodyTooLarge = "request.body_too_large";
    public const string Validation = "validation.failed";
    public const string PreconditionRequired = "precondition.required";
    public const string PreconditionFailed = "precondition.failed";
    public const string DbBusy = "db.busy";
    public const string Internal = "internal";

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [Unauthenticated] = "401: no key, an unknown or revoked key, or a malformed Authorization header.",
        [Forbidden] = "403: the caller can see the resource but may not do this.",
        [AdminOnly] = "403: only an admin key may do this.",
        [CompanyInactive] = "403: the company is inactive; its keys may read but not write.",
        [RoleRequired] = "403: the company lacks the role this action needs.",
        [FieldForbidden] = "403: the caller may not change one of the fields sent.",
        [TaxIdTaken] = "409: another company already has this taxId.",
        [PartnerNotGranted] = "403: X-On-Behalf-Of names a company that does not exist, is not a supplier or has not granted this partner.",
        [OnBehalfRequired] = "403: a partner key needs X-On-Behalf-Of for this call.",
        [PartnerForbidden] = "403: partner apps may not manage partners or keys.",
        [IdempotencyInProgress] = "409: a request with this Idempotency-Key is still running; retry later.",
        [IdempotencyKeyReused] = "422: this Idempotency-Key was used with another body.",
        [IdempotencySecret] = "409: the original answer held a secret, which is never stored; it cannot be replayed.",
        [NotFound] = "404: no such resource, or the caller may not see it.",
        [UnsupportedMediaType] = "415: the Content-Type is not accepted here.",
        [BodyTooLarge] = "413: the request body is over the limit.",
        [Validation] = "400: malformed or invalid input; `errors` names each field.",
        [PreconditionRequired] = "428: this update needs an If-Match header.",
        [PreconditionFailed] = "412: If-Match does not match the current ETag.",
        [DbBusy] = "503: the database could not give a write lock in time; retry after Retry-After seconds.",
        [Internal] = "500: an unexpected server error (never caused by input).",
    };
}
