using System.Data.Common;
using FluentValidation;
using Marketplace.Domain;
using Marketplace.Infrastructure.Database;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Common.Errors;

/// Turns every failure into RFC 9457 problem details with a stable `code`: validation 400,
/// ApiException as it says, domain rules 409, a busy database 503 with Retry-After, and
/// anything else a 500 that reveals nothing.
public sealed class ProblemExceptionHandler(Db db, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            ValidationException v => Validation(v),
            ApiException a => Create(a.Status, a.Code, a.Message, a.Errors),
            DomainException d => Create(409, d.Code, d.Message, null),
            DbException e when db.Dialect.IsBusy(e) => Busy(http),
            BadHttpRequestException b when b.StatusCode == 413 => Create(413, ErrorCodes.BodyTooLarge, "The request body is too large.", null),
            BadHttpRequestException b => Create(400, ErrorCodes.Validation, "The request could not be read.",
                new Dictionary<string, string[]> { ["$"] = [b.Message] }),
            OperationCanceledException when http.RequestAborted.IsCancellationRequested => null,
            _ => null,
        };
        if (problem is null)
        {
            if (http.RequestAborted.IsCancellationRequested) return true;
            logger.LogError(exception, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            problem = Create(500, ErrorCodes.Internal, "An unexpected error occurred.", null);
        }
        await Write(http, problem, ct);
        return true;
    }

    public static Task Write(HttpContext http, ProblemDetails problem, CancellationToken ct)
    {
        http.Response.StatusCode = problem.Status ?? 500;
        if (problem.Status == 401) http.Response.Headers.WWWAuthenticate = "Bearer"; // RFC 9110 §11.6.1
        return http.Response.WriteAsJsonAsync(problem, problem.GetType(), options: null, "application/problem+json", ct);
    }

    public static ProblemDetails Create(int status, string code, string detail, IDictionary<string, string[]>? errors)
    {
        ProblemDetails problem = errors is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(errors);
        problem.Status = status;
        problem.Type = $"urn:marketplace:problem:{code}";
        problem.Title = Titles.TryGetValue(status, out var t) ? t : "Error";
        problem.Detail = detail;
        problem.Extensions["code"] = code;
        return problem;
    }

    private static ProblemDetails Validation(ValidationException v)
    {
        var errors = v.Errors
            .GroupBy(e => e.PropertyName)
            .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).Distinct().ToArray());
        var first = errors.Count > 0 ? $"Invalid {string.Join(", ", errors.Keys)}." : "Invalid input.";
        return Create(400, ErrorCodes.Validation, first, errors);
    }

    private ProblemDetails Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(db.BusyTimeout.TotalSeconds)).ToString();
        return Create(503, ErrorCodes.DbBusy, "The database is busy; retry later.", null);
    }

    private static readonly Dictionary<int, string> Titles = new()
    {
        [400] = "Bad Request", [401] = "Unauthorized", [403] = "Forbidden", [404] = "Not Found",
        [409] = "Conflict", [412] = "Precondition Failed", [413] = "Content Too Large",
        [415] = "Unsupported Media Type", [422] = "Unprocessable Content", [428] = "Precondition Required",
        [500] = "Internal Server Error", [503] = "Service Unavailable",
    };
}
