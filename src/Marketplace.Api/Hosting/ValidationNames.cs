using System.Text.Json;

namespace Marketplace.Api.Hosting;

/// Field names in validation errors are the wire names: `center.lat`, not `Center.Lat`.
public static class ValidationNames
{
    public static string CamelCase(string? expression, string member)
    {
        // expression looks like "x => x.Center.Lat"; keep the member chain after the parameter.
        var chain = expression?.Split("=>", 2) is [_, var body] ? body.Trim() : member;
        var parts = chain.Split('.').Skip(chain.Contains('.') ? 1 : 0).Select(p => p.Trim('!', ' '));
        return string.Join('.', parts.Select(JsonNamingPolicy.CamelCase.ConvertName));
    }
}
