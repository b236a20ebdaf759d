"""Builds common-passwords.txt: the passwords an attacker tries first (see docs/security.md).

    python services/auth/data/build_common_passwords.py > services/auth/data/common-passwords.txt

No list could be downloaded where this was written, so the file is composed,
deterministically, from (1) the heads of the well-known public lists as widely
quoted (SecLists "10k-most-common", the NCSC "100k most used" top, RockYou and
the yearly "worst passwords" reports), written out from memory, and (2) the
patterns those lists are made of: common words and names (English and Russian
transliterated, including "йцукен"-style keyboard layouts) with capitalisation
removed, each followed by the usual suffixes (digits runs, years, "!", "@").
Only entries of length >= 6 matter to the checker, but short ones are kept as
they appear in the lists. Matching is case-insensitive.
"""

from __future__ import annotations

import itertools
import sys

TOP = """
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football
monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 pussy
superman 1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh
hunter buster soccer harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey
ranger daniel starwars klaster 112233 george computer michelle jessica pepper 1111 zxcvbn 555555 11111111
131313 freedom 777777 pass maggie 159753 aaaaaa ginger princess joshua cheese amanda summer love ashley
nicole chelsea biteme matthew access yankees 987654321 dallas austin thunder taylor matrix mobilemail
mom monitor monitoring montana moon moscow 1q2w3e4r 1q2w3e4r5t 1q2w3e 1q2w3e4r5t6y zaq12wsx qwe123
qwerty123 qwerty1 password1 password123 passw0rd p@ssw0rd p@ssword admin admin123 administrator root
toor welcome welcome1 login abc12345 iloveyou1 princess1 sunshine1 football1 monkey1 charlie1 aa123456
123456a a123456 qwerty12 qwerty1234 1qazxsw2 zaq1zaq1 qweasd qweasdzxc asdasd asdfghjkl 147258369
159357 147258 741852963 789456123 123654 987654 11223344 121314 a1b2c3 abcd1234 abcdef abcdefg
secret changeme default guest test test123 testing hello hello123 hello1 whatever trustme letmein1
iloveu lovely loveme lovers babygirl angel angel1 jesus jesus1 christ god blessed flower hottie
samsung apple google yandex mail.ru vkontakte odnoklassniki internet computer1 windows microsoft
linux ubuntu oracle cisco dell lenovo nokia iphone android
"""

RUSSIAN = """
privet parol parol123 lubov lyubov lubovь solnce solnyshko kotenok kotik zayka zaika malysh rodina
rossiya russia moskva piter sankt spb peterburg leningrad nevsky kreml natasha natalia nataly olga
olya tatiana tanya svetlana sveta irina ira elena lena marina masha maria anna anya katya ekaterina
yulia julia oksana alena alyona dasha darya nastya anastasia vika viktoria kristina ksenia lyudmila
galina nadezhda vera valentina lyuba sergey sergei serega andrey andrei dima dmitry dmitriy alexey
alexei aleksey sasha alexander aleksandr vova vladimir volodya misha mikhail maxim maksim ivan vanya
pavel pasha nikolay kolya oleg igor roman denis artem artyom anton evgeniy zhenya vadim ruslan kirill
egor yuri yura stas vitaly viktor boris gena timur ilya nikita fedor petr semen arkadiy
spartak zenit cska dinamo lokomotiv shakhtar metallist
qwertyui ytrewq zxcvbnm, ghbdtn cjkysirj rfnz yfnfif ktyf ghtdtn vfrcbv fylhtq ktyjxrf vfif
ljvjq zyltrc ntktajy dbrf cdtnf fktrctq gfhjkm gfhjkm123 ghbdtn123 qwertyuiop[] jcnhjd
gazprom sberbank lukoil rostelecom megafon beeline tele2 mts energiya elektrichestvo schetchik
kabinet lichnyi lichniy lk pesc psk petroelektrosbyt energosbyt permenergosbyt
"""

WORDS = """
password pass passwd passw0rd pa55word qwerty qwert asdf asdfg zxcv admin root user login welcome
letmein master dragon monkey shadow sunshine princess football baseball soccer hockey basketball
superman batman spiderman starwars pokemon naruto minecraft fortnite roblox matrix hunter killer
tiger lion eagle falcon wolf bear panther phoenix dolphin rabbit kitty kitten puppy doggy cookie
chocolate banana orange apple cherry summer winter autumn spring flower rainbow butterfly diamond
silver golden money dollar bitcoin crypto freedom liberty justice secret private access security
computer internet network server system office company work family friend friends lovely forever
angel heaven jesus god lucky happy smile sunny blue black white green purple yellow red pink
michael jennifer jessica ashley amanda daniel joshua andrew thomas charlie robert william james
john david richard joseph christopher matthew anthony mark donald steven paul george kevin brian
edward ronald timothy jason jeffrey ryan jacob gary nicholas eric stephen jonathan larry justin
scott brandon frank benjamin gregory samuel raymond patrick alexander jack dennis jerry tyler aaron
jose henry adam douglas nathan peter zachary kyle walter harold jeremy ethan carl keith roger gerald
christian terry sean arthur austin noah lawrence jesse joe bryan billy jordan albert dylan bruce
willie gabriel alan juan logan wayne ralph roy eugene randy vincent russell louis philip bobby
johnny bradley mary patricia linda barbara elizabeth susan margaret dorothy lisa nancy karen betty
helen sandra donna carol ruth sharon michelle laura sarah kimberly deborah jessica shirley cynthia
angela melissa brenda amy anna rebecca virginia kathleen pamela martha debra amanda stephanie
carolyn christine marie janet catherine frances ann joyce diane alice julie heather teresa doris
gloria evelyn jean cheryl mildred katherine joan ashley judith rose janice kelly nicole judy
christina kathy theresa beverly denise tammy irene jane lori rachel marilyn andrea kathryn louise
sara anne jacqueline wanda bonnie julia ruby lois tina phyllis norma paula diana annie lillian
emily robin peggy crystal gladys rita dawn connie florence tracy edna tiffany carmen rosa cindy
grace wendy victoria edith kim sherry sylvia josephine thelma shannon sheila ethel ellen elaine
marjorie carrie charlotte monica esther pauline emma juanita anita rhonda hazel amber eva debbie
april leslie clara lucille jamie joanne eleanor valerie danielle megan alicia suzanne michele gail
bertha darlene veronica jill erin geraldine lauren cathy joann lorraine lynn sally regina erica
beatrice dolores bernice audrey yvonne annette june samantha marion dana stacy ana renee ida vivian
roberta holly brittany melanie loretta yolanda jeanette laurie katie kristen vanessa alma sue elsie
beth jeanne vicki carla tara rosemary eileen terri gertrude lucy tonya ella stacey wilma gina
kristin jessie natalie agnes vera willie charlene bessie delores melinda pearl arlene maureen colleen
allison tamara joy georgia constance lillie claudia jackie marcia tanya nellie minnie marlene heidi
glenda lydia viola courtney marian stella caroline dora jo vickie mattie terry maxine irma mabel
marsha myrtle lena christy deanna patsy hilda gwendolyn jennie nora margie nina cassandra leah
penny kay priscilla naomi carole brandy olga billie dianne tracey leona jenny felicia sonia miriam
velma becky bobbie violet kristina toni misty mae shelly daisy ramona sherri erika katrina claire
chelsea arsenal liverpool manchester barcelona madrid juventus milan chicago boston dallas london
paris berlin tokyo moscow america canada england germany france italy spain russia
mercedes ferrari porsche bmw audi toyota honda nissan mustang corvette harley yamaha suzuki
guitar music rock metal jazz disco dance party beer vodka whisky wine coffee pizza burger
"""

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "1!", "!", "!!", "@", "1@", "01", "007",
            "11", "22", "69", "77", "88", "99", "00", "777", "111", "666", "321", "2", "3", "7", "13",
            "21", "23", "#1", "123!", "2010", "2015", "2018", "2019", "2020", "2021", "2022", "2023",
            "2024", "2025", "2026", "1990", "1985", "1980", "1995", "2000", "qwerty", "_1", ".1"]

WALKS = ["qwerty", "qwertyui", "qwertyuiop", "asdfgh", "asdfghjk", "asdfghjkl", "zxcvbn", "zxcvbnm",
         "1qaz2wsx", "1qaz2wsx3edc", "qazwsx", "qazwsxedc", "zaq12wsx", "!qaz2wsx", "1q2w3e4r",
         "1q2w3e4r5t", "1q2w3e4r5t6y", "q1w2e3r4", "q1w2e3r4t5", "qweasdzxc", "qwe123", "qweqwe",
         "asd123", "zxc123", "123qwe", "123asd", "123zxc", "1234qwer", "qwer1234", "abcd1234", "abc123",
         "ytrewq", "poiuytrewq", "mnbvcxz", "147852", "258963", "963852741", "741852", "1qazxsw2"]


def words(text: str) -> list[str]:
    return [w.lower() for w in text.split()]


def build() -> list[str]:
    seen: dict[str, None] = {}
    for w in words(TOP) + words(RUSSIAN):
        seen.setdefault(w, None)
    for w in WALKS:
        for s in SUFFIXES[:20]:
            seen.setdefault(w + s, None)
    for w, s in itertools.product(words(WORDS) + words(RUSSIAN), SUFFIXES):
        seen.setdefault(w + s, None)
    for n in range(1, 10):  # digit runs and repeats
        seen.setdefault("".join(str(i % 10) for i in range(1, n + 6)), None)
        seen.setdefault(str(n) * 6, None)
        seen.setdefault(str(n) * 8, None)
    return list(seen)


if __name__ == "__main__":
    sys.stdout.write("\n".join(build()) + "\n")
