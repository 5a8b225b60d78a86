"""The balance of an agreement, against figures worked out by hand."""

from decimal import Decimal

import pytest

from funds.balance import agreement_balance
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def year():
    """Two areas, three recipients; every figure below is computed by hand.

    Area 1 granted 1 000 000,00: A 600 000,00 (spent 550 000,00, repaid 50 000,00),
                                  B 399 999,99 (spent 399 999,99).     unallocated 0,01
    Area 2 granted   333 333,33: A 100 000,50 (spent 0,50, repaid 100 000,00),
                                  C 200 000,00 (no follow-up yet).    unallocated 33 332,83
    To the state: area 1 50 000,01; area 2 100 000,00.
    """
    org = f.organisation()
    agr = f.agreement(org)
    a1 = f.area(agr, "1000000.00")
    a2 = f.area(agr, "333333.33")
    ra, rb, rc = f.recipient(org), f.recipient(org), f.recipient(org)
    f.follow_up(f.allocation(a1, ra, "600000.00"), "550000.00")
    f.follow_up(f.allocation(a1, rb, "399999.99"), "399999.99")
    f.follow_up(f.allocation(a2, ra, "100000.50"), "0.50")
    f.allocation(a2, rc, "200000.00")
    f.repayment(a1, "50000.00", ra)
    f.repayment(a2, "100000.00", ra)
    f.repayment(a1, "50000.01")
    f.repayment(a2, "100000.00")
    return agr


def test_it_computes_each_area_to_the_ore(year):
    one, two = agreement_balance(year).lines
    assert (one.granted, one.allocated, one.unallocated) == (
        D("1000000.00"),
        D("999999.99"),
        D("0.01"),
    )
    assert (one.spent, one.unspent) == (D("949999.99"), D("50000.00"))
    assert (one.repaid_by_recipients, one.repaid_to_state) == (D("50000.00"), D("50000.01"))
    assert one.outstanding_from_recipients == D("0.00")
    assert one.state_difference == D("0.00")
    assert one.reconciles

    assert (two.granted, two.allocated, two.unallocated) == (
        D("333333.33"),
        D("300000.50"),
        D("33332.83"),
    )
    assert (two.spent, two.repaid_by_recipients) == (D("0.50"), D("100000.00"))
    # C has not reported: its 200 000,00 is still outstanding, and so is the unallocated part.
    assert two.outstanding_from_recipients == D("200000.00")
    assert two.owed_to_state == D("133332.83")
    assert two.state_difference == D("33332.83")
    assert not two.reconciles


def test_totals_are_sums_of_exact_lines(year):
    total = agreement_balance(year).total
    assert total.granted == D("1333333.33")
    assert total.allocated == D("1300000.49")
    assert total.unallocated == D("33332.84")
    assert total.spent == D("950000.49")
    assert total.repaid_by_recipients == D("150000.00")
    assert total.repaid_to_state == D("150000.01")
    assert total.granted == total.allocated + total.unallocated


def test_over_allocation_is_flagged():
    org = f.organisation()
    agr = f.agreement(org)
    pa = f.area(agr, "100.00")
    f.allocation(pa, f.recipient(org), "100.01")
    (line,) = agreement_balance(agr).lines
    assert line.over_allocated and line.unallocated == D("-0.01") and not line.reconciles


def test_an_empty_agreement_balances_at_zero():
    agr = f.agreement()
    balance = agreement_balance(agr)
    assert balance.lines == []
    assert balance.total.granted == D("0.00")


@pytest.mark.parametrize("recipients", [2, 40])
def test_it_uses_one_query_whatever_the_size(django_assert_num_queries, recipients):
    org = f.organisation()
    agr = f.agreement(org)
    areas = [f.area(agr, "1000000.00") for _ in range(5)]
    for _ in range(recipients):
        rec = f.recipient(org)
        for pa in areas:
            alloc = f.allocation(pa, rec, "1000.00")
            f.follow_up(alloc, "900.00")
            f.repayment(pa, "100.00", rec)
    with django_assert_num_queries(1):
        total = agreement_balance(agr).total
    assert total.allocated == D(1000 * recipients * 5)
    assert total.repaid_by_recipients == D(100 * recipients * 5)


def test_other_agreements_do_not_leak_in(year):
    other = f.agreement(f.organisation())
    pa = f.area(other, "5.00")
    f.allocation(pa, f.recipient(other.organisation), "5.00")
    assert agreement_balance(year).total.allocated == D("1300000.49")
