using FluentValidation;
using Marketplace.Domain.Catalog;
using Microsoft.Extensions.Primitives;

namespace Marketplace.Api.Common.Paging;

/// api.md "Conventions": a `categoryCode=` filter matches by segment prefix, so `25.62.1` does not
/// match `25.62.10`. Shared by every list that filters by category (companies, needs, catalog items).
public static class CategoryFilter
{
    public const string Message = "'categoryCode' must be an OKPD2-style code such as 25.62, 25.62.1, 25.62.10 or 25.62.10.110.";

    public static void AddCategoryCodeRule<T>(this AbstractValidator<T> validator, Func<T, StringValues> value) =>
        validator.AddFilterRule("categoryCode", value, CategoryCode.IsValid, Message);

    /// True when `column` is the code itself or the code followed by a dot (params @code and
    /// @codePrefix, see Prefix). Codes hold only digits and dots: no LIKE wildcard to escape.
    public static string Sql(string column) => $"({column} = @code OR {column} LIKE @codePrefix)";

    public static string? Prefix(string? code) => code is null ? null : code + ".%";
}
