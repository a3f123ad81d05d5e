"""Word-based search and suggestions: title matches first, then body matches."""

from escalade.kb import selectors, services
from escalade.kb.models import Kind, Visibility
from escalade.orgs.access import Viewer


def _write(world, title, body, **kwargs):
    vera = Viewer.of(world.vera.user)
    return services.publish_article(vera, services.create_article(vera, title=title, body=body, **kwargs))


def _ranked(world, query, **kwargs):
    return [hit.article.title for hit in selectors.search(Viewer.of(world.alice.user), query, **kwargs)]


def test_title_match_ranks_before_body_match(world):
    _write(world, "Mail client settings", "How to set up the printer for scanning to mail.")
    _write(world, "Printer offline", "Check the cable.")
    assert _ranked(world, "printer") == ["Printer offline", "Mail client settings"]


def test_more_query_words_in_the_title_rank_higher(world):
    _write(world, "Printer toner", "Order toner.")
    _write(world, "Printer offline after update", "Reinstall the driver.")
    assert _ranked(world, "printer offline")[0] == "Printer offline after update"


def test_body_words_break_a_tie_between_titles(world):
    _write(world, "Printer A", "Nothing about it.")
    _write(world, "Printer B", "The spooler stops and the queue is stuck.")
    assert _ranked(world, "printer spooler queue")[0] == "Printer B"


def test_known_issue_ranks_before_an_article_with_the_same_matches(world):
    _write(world, "Email bounces", "Check the address.")
    _write(world, "Email bounces", "Our relay rejects mail.", kind=Kind.KNOWN_ISSUE, issue_status="investigating")
    first = selectors.search(Viewer.of(world.alice.user), "email bounces")[0].article
    assert first.is_known_issue


def test_a_word_matches_the_start_of_a_word_only(world):
    _write(world, "Printers in the London office", "Floor plan.")
    _write(world, "How to reprint an invoice", "Use the billing page.")
    assert _ranked(world, "print") == ["Printers in the London office"]


def test_search_is_case_insensitive_and_ignores_punctuation(world):
    _write(world, "VPN drops", "Use client 4.0.")
    assert _ranked(world, "vpn!!! DROPS?") == ["VPN drops"]


def test_common_words_alone_find_nothing(world):
    _write(world, "The printer is not working", "It is what it is.")
    assert _ranked(world, "the is it not") == []


def test_empty_query_finds_nothing(world):
    _write(world, "Anything", "At all.")
    assert _ranked(world, "") == [] and _ranked(world, "   ") == []


def test_suggest_returns_at_most_the_limit(world):
    for n in range(7):
        _write(world, f"Printer problem {n}", "Body.")
    assert len(selectors.suggest(Viewer.of(world.alice.user), "printer")) == 5
    assert len(selectors.suggest(Viewer.of(world.alice.user), "printer", limit=2)) == 2


def test_suggest_understands_a_typed_ticket_subject(world):
    _write(world, "VPN disconnects every 10 minutes", "Known problem with client 4.1.",
           kind=Kind.KNOWN_ISSUE, issue_status="workaround")
    _write(world, "Reset MFA", "Ask your admin.", visibility=Visibility.PUBLIC)
    assert [a.title for a in selectors.suggest(Viewer.of(world.alice.user), "Our VPN keeps dropping")] == [
        "VPN disconnects every 10 minutes"]


def test_words_drops_stop_words_duplicates_and_keeps_numbers(world):
    assert selectors.words("The VPN, the vpn and 5 errors") == ["vpn", "5", "errors"]


def test_non_ascii_words_are_matched_without_regard_to_case(world):
    _write(world, "Zürich office Wi-Fi", "Straße 5.")
    assert _ranked(world, "zürich") == ["Zürich office Wi-Fi"]
