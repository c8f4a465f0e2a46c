-- MySQL dump 10.13  Distrib 8.0.36
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `kunder`;
CREATE TABLE `kunder` (
  `id` int NOT NULL AUTO_INCREMENT,
  `namn` varchar(100) DEFAULT NULL,
  `epost` varchar(200) DEFAULT NULL,
  `personnummer` char(11) DEFAULT NULL,
  `anteckning` text,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

LOCK TABLES `kunder` WRITE;
INSERT INTO `kunder` VALUES (1,'Erik O\'Karlsson','erik.karlsson92@example.se','740924-5789','Har frågat om faktura'),(2,'Erik O\'Andersson','erik.andersson55@example.se','790307-3109','Har frågat om faktura'),(3,'Anna O\'Andersson','anna.andersson84@example.se','720310-9439','Har frågat om faktura'),(4,'Björn O\'Ström','bjorn.strom6@example.se','600909-0561','Har frågat om faktura'),(5,'Erik O\'Berg','erik.berg75@example.se','670123-4129','Kund sedan 2019, ville inte ha nyhetsbrev'),(6,'Elin O\'Lindqvist','elin.lindqvist16@example.se','510303-4236','Har frågat om faktura'),(7,'Maria O\'Johansson','maria.johansson92@example.se','950720-3603','Har frågat om faktura'),(8,'Lars O\'Ström','lars.strom47@example.se','420904-6749','Har frågat om faktura'),(9,'Elin O\'Karlsson','elin.karlsson84@example.se','670314-7626','Har frågat om faktura'),(10,'Erik O\'Nilsson','erik.nilsson24@example.se','891227-4555','Kund sedan 2019, ville inte ha nyhetsbrev'),(11,'Anna O\'Nilsson','anna.nilsson26@example.se','930614-3455','Har frågat om faktura'),(12,'Anna O\'Svensson','anna.svensson65@example.se','420808-9526','Har frågat om faktura'),(13,'Lars O\'Svensson','lars.svensson38@example.se','860421-3101','Har frågat om faktura'),(14,'Anna O\'Ström','anna.strom63@example.se','551227-3755','Har frågat om faktura'),(15,'Elin O\'Andersson','elin.andersson62@example.se','631002-2436','Kund sedan 2019, ville inte ha nyhetsbrev'),(16,'Karin O\'Berg','karin.berg93@example.se','951005-5958','Har frågat om faktura'),(17,'Maria O\'Karlsson','maria.karlsson47@example.se','710508-2692','Har frågat om faktura'),(18,'Lars O\'Johansson','lars.johansson81@example.se','560402-0767','Har frågat om faktura'),(19,'Anna O\'Andersson','anna.andersson6@example.se','400224-9094','Har frågat om faktura'),(20,'Lars O\'Ström','lars.strom28@example.se','940826-4001','Kund sedan 2019, ville inte ha nyhetsbrev'),(21,'Erik O\'Lindqvist','erik.lindqvist13@example.se','450814-8170','Har frågat om faktura'),(22,'Lars O\'Karlsson','lars.karlsson13@example.se','501027-7712','Har frågat om faktura'),(23,'Lars O\'Nilsson','lars.nilsson50@example.se','900417-6443','Har frågat om faktura'),(24,'Erik O\'Nilsson','erik.nilsson22@example.se','710618-1709','Har frågat om faktura'),(25,'Karin O\'Lindqvist','karin.lindqvist37@example.se','930118-1336','Kund sedan 2019, ville inte ha nyhetsbrev');
UNLOCK TABLES;
