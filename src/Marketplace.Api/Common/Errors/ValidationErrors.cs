using FluentValidation;
using FluentValidation.Results;

namespace Marketplace.Api.Common.Errors;

/// A 400 found by a handler rather than by a validator: a rule that needs the database (an id
/// that must name an existing row), checked inside the write transaction that relies on it.
public static class ValidationErrors
{
    public static ValidationException Field(string field, string message) => new([new ValidationFailure(field, message)]);
}
