namespace Marketplace.Domain.Companies;

public enum CompanySize
{
    Micro,
    Small,
    Medium,
    Large,
}
