namespace Marketplace.Domain;

// api.md "Conventions": names up to 300, free text up to 2,000, limit 1..200 (default 50; matches 20).
public static class Limits
{
    public const int NameMaxLength = 300;
    public const int TextMaxLength = 2000;
    public const int PageLimitDefault = 50;
    public const int PageLimitMax = 200;
    public const int MatchesLimitDefault = 20;
}
