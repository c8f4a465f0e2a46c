--
-- PostgreSQL database dump
--

SET client_encoding = 'UTF8';

CREATE TABLE public.asiakkaat (
    id integer NOT NULL,
    nimi text,
    sahkoposti text,
    hetu text,
    puhelin text
);

COPY public.asiakkaat (id, nimi, sahkoposti, hetu, puhelin) FROM stdin;
1	Mikko Mäkinen	mikko.makinen32@example.fi	151287-5662	+358 40 633 8410
2	Aino Nieminen	aino.nieminen38@example.fi	280656-234W	+358 40 743 9879
3	Liisa Mäkinen	liisa.makinen70@example.fi	250780-254L	+358 40 335 3577
4	Mikko Hämäläinen	mikko.hamalainen51@example.fi	121058-646L	+358 40 352 3791
5	Antti Virtanen	antti.virtanen51@example.fi	040366-586X	+358 40 125 9943
6	Mikko Heikkinen	mikko.heikkinen3@example.fi	131163-495F	+358 40 353 8393
7	Liisa Korhonen	liisa.korhonen78@example.fi	230791-8136	+358 40 280 7577
8	Sanna Laine	sanna.laine6@example.fi	120769-164F	+358 40 465 1400
9	Sanna Mäkinen	sanna.makinen7@example.fi	061281-687L	+358 40 173 3504
10	Aino Korhonen	aino.korhonen38@example.fi	281263-320A	+358 40 357 6940
11	Matti Nieminen	matti.nieminen64@example.fi	070597-490C	+358 40 409 9604
12	Aino Hämäläinen	aino.hamalainen38@example.fi	280157-409S	+358 40 284 0916
13	Liisa Virtanen	liisa.virtanen51@example.fi	150494-7168	+358 40 974 3990
14	Matti Mäkinen	matti.makinen61@example.fi	191147-380H	+358 40 713 7166
15	Liisa Heikkinen	liisa.heikkinen70@example.fi	140964-4787	+358 40 289 7228
16	Liisa Hämäläinen	liisa.hamalainen70@example.fi	190453-8054	+358 40 770 7880
17	Aino Mäkinen	aino.makinen77@example.fi	110945-369V	+358 40 625 6886
18	Liisa Koskinen	liisa.koskinen99@example.fi	040673-320K	+358 40 672 7896
19	Sanna Korhonen	sanna.korhonen49@example.fi	020643-231N	+358 40 387 2916
20	Matti Laine	matti.laine39@example.fi	210973-524J	+358 40 295 9304
\.

--
-- PostgreSQL database dump complete
--
