using System.Linq;
using OneClickMlflow.Deployment.Resources;
using Xunit;

namespace OneClickMlflow.Tests.Database;

public sealed class PasswordTests
{
    [Fact]
    public void Passwords_are_32_url_safe_characters_and_differ_every_time()
    {
        var passwords = Enumerable.Range(0, 200).Select(_ => DatabasePassword.Generate()).ToList();

        Assert.All(passwords, p => Assert.Matches("^[A-Za-z0-9]{32}$", p));
        Assert.Equal(passwords.Count, passwords.Distinct().Count());
        // Every character of the alphabet shows up across 6400 draws: no part of it is left out.
        Assert.Equal(62, passwords.SelectMany(p => p).Distinct().Count());
    }
}
