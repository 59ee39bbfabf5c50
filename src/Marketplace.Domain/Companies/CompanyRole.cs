namespace Marketplace.Domain.Companies;

// api.md "Auth and roles": a company has one or more roles; admin is a kind of key, not a role.
[Flags]
public enum CompanyRole
{
    None = 0,
    Anchor = 1,
    Supplier = 2,
    Wholesaler = 4,
}
