namespace Marketplace.Domain.Tests;

public sealed class DomainExceptionTests
{
    [Theory]
    [InlineData("need.not_open", "The need is not open.")]
    [InlineData("bid.late", "The bid deadline has passed.")]
    public void Domain_exception_carries_its_code_and_message(string code, string message)
    {
        var ex = new DomainException(code, message);
        Assert.Equal(code, ex.Code);
        Assert.Equal(message, ex.Message);
    }
}
